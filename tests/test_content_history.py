"""Forms made from content 1.0 (kept unfilled under tests/forms-1.0, built by the 1.0 release) still import
under today's content: filled by LibreOffice and PyMuPDF, accepted with a warning naming their version,
scored with the 1.0 rules kept in content/history/1.0, their answers brought forward to today's ids, and
reported beside returns of the current version."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from aitk_forms.cli import main
from aitk_forms.formats import CODECS
from aitk_forms.history import bring_forward
from aitk_forms.load import load_content
from aitk_forms.resources import bundled_content
from aitk_forms.sample import sample_answers
from aitk_forms.scoring import score_form
from aitk_forms.validate import check_answers
from clients.calc_plan import typed_cells
from clients.writer_plan import typed_controls
from conftest import ROOT, require_uno_python
from test_import_end_to_end import _run, pymupdf_fill

OLD_FORMS = ROOT / "tests" / "forms-1.0"
CALC_FILL = ROOT / "tests" / "clients" / "calc_fill.py"
WRITER_FILL = ROOT / "tests" / "clients" / "writer_fill.py"
# (file under tests/forms-1.0, the client that fills it, sample seed)
OLD_RETURNS = [
    ("en/risk.xlsx", "calc", 21),
    ("en/readiness.xlsx", "calc", 22),
    ("en/workbook.xlsx", "calc", 23),
    ("en/risk.docx", "writer", 24),
    ("en/workbook.docx", "writer", 25),
    ("en/readiness.docx", "writer", 26),
    ("en/risk.pdf", "pymupdf", 27),
    ("en/readiness.pdf", "pymupdf", 28),
    ("en/workbook.pdf", "pymupdf", 29),
    ("fr/risk.pdf", "pymupdf", 30),
]


@pytest.fixture(scope="module")
def content():
    return load_content(bundled_content())


def test_the_bundled_content_keeps_version_1_0_of_every_form_in_its_history(content):
    for form in content.forms:
        assert form.version != "1.0", f"{form.id} is still version 1.0: content 1.1 changes every form"
        older = content.form_version(form.id, "1.0")
        assert older is not None and older is not form, form.id


def test_every_1_0_question_is_brought_forward_or_declared_removed(content):
    for form in content.forms:
        older = content.form_version(form.id, "1.0")
        accounted = {q for q, _ in older.renamed} | {q for q, _ in older.split} | set(older.removed)
        gone = {q.id for q in older.questions() if form.question(q.id) is None}
        assert gone <= accounted, f"{form.id}: 1.0 questions with no fate: {sorted(gone - accounted)}"


def test_a_split_copies_the_answer_to_each_new_question_and_a_removed_one_is_dropped(content):
    for form in content.forms:
        older = content.form_version(form.id, "1.0")
        for old_id, new_ids in older.split:
            answer = _any_answer(older.question(old_id))
            brought = bring_forward(content, form.id, "1.0", {old_id: answer})
            assert set(brought) <= set(new_ids), (old_id, brought)
            for new_id in brought:
                assert brought[new_id] == answer
        for old_id in older.removed:
            assert bring_forward(content, form.id, "1.0", {old_id: _any_answer(older.question(old_id))}) == {}


def _any_answer(question):
    if question.kind == "multi_choice":
        return [question.choices[0].id]
    if question.has_choices:
        return question.choices[0].id
    return {"date": "2025-05-01", "number": 3}.get(question.kind, "text")


@pytest.fixture(scope="module")
def imported(content, tmp_path_factory):
    """The 1.0 forms filled by clients that are not ours, a 1.1 return beside them, imported together."""
    python = require_uno_python()
    tmp = tmp_path_factory.mktemp("history")
    inbox = tmp / "inbox"
    inbox.mkdir()
    expected, calc_jobs, writer_jobs = {}, [], []
    for name, client, seed in OLD_RETURNS:
        lang, file = name.split("/")
        form_id = file.split(".")[0]
        older = content.form_version(form_id, "1.0")
        answers = sample_answers(older, seed)
        target = inbox / f"old-{lang}-{file}"
        expected[target.name] = (older, answers)
        # a private copy: LibreOffice puts a lock file beside what it opens, and another test worker may be
        # filling the same kept form at the same moment
        source = tmp / "blank" / name
        source.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(OLD_FORMS / name, source)
        if client == "calc":
            cells = typed_cells(content, older, lang, answers)
            calc_jobs.append({"input": str(source), "output": str(target), "cells": cells, "read": []})
        elif client == "writer":
            writer_jobs.append({"source": str(source), "target": str(target), "fill": typed_controls(older, lang, answers)})
        else:
            pymupdf_fill(source, target, older, answers)
    current = content.form("risk")
    CODECS["xlsx"].render(content, current, "en", tmp / "risk-1.1.xlsx")
    new_answers = sample_answers(current, 31)
    calc_jobs.append({"input": str(tmp / "risk-1.1.xlsx"), "output": str(inbox / "new-en-risk.xlsx"),
                      "cells": typed_cells(content, current, "en", new_answers), "read": []})  # fmt: skip
    expected["new-en-risk.xlsx"] = (current, new_answers)
    _run([python, str(CALC_FILL), str(tmp / "calc.json"), str(tmp / "calc-results.json")], tmp / "calc.json", calc_jobs)
    _run([python, str(WRITER_FILL), str(tmp / "writer.json")], tmp / "writer.json", writer_jobs)
    out = tmp / "report"
    result = CliRunner().invoke(main, ["import", str(inbox), "--out", str(out), "--store", "none", "--json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout), expected, out


@pytest.mark.client
def test_1_0_returns_are_accepted_with_a_warning_naming_their_version(imported):
    document, expected, _ = imported
    entries = {Path(f["path"]).name: f for f in document["files"]}
    assert set(entries) == set(expected)
    for name, entry in entries.items():
        if name.startswith("old-"):
            assert entry["status"] == "accepted_with_warnings", (name, entry["reason"], entry["problems"])
            assert entry["version"] == "1.0"
            assert any("1.0" in p["message"] for p in entry["problems"]), entry["problems"]
        else:
            assert entry["status"] == "accepted", (name, entry["problems"])
            assert entry["version"] == expected[name][0].version


@pytest.mark.client
def test_1_0_returns_are_scored_with_the_1_0_rules_and_brought_forward(imported, content):
    document, expected, _ = imported
    for entry in document["files"]:
        form, answers = expected[Path(entry["path"]).name]
        clean, _ = check_answers(form, answers)
        card = score_form(form, clean)
        assert entry["scores"] == card.scores, entry["path"]
        assert entry["provisional"] == card.provisional, entry["path"]
        brought = bring_forward(content, form.id, form.version, json.loads(json.dumps(clean, ensure_ascii=False)))
        assert entry["answers"] == brought, entry["path"]


@pytest.mark.client
def test_1_0_and_1_1_returns_are_reported_side_by_side(imported):
    _, _, out = imported
    workbook = load_workbook(out / "consolidated.xlsx", read_only=True)
    scores = list(workbook["Scores"].iter_rows(values_only=True))
    header = scores[0]
    risk_files = {Path(r[header.index("file")]).name for r in scores[1:] if r[header.index("form")] == "risk"}
    assert {"old-en-risk.xlsx", "old-fr-risk.pdf", "new-en-risk.xlsx"} <= risk_files, risk_files
    log = list(workbook["Import log"].iter_rows(values_only=True))
    versions = {r[log[0].index("version")] for r in log[1:]}
    assert {"1.0", "1.1"} <= versions, versions
