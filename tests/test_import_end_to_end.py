"""End to end: build, fill a mixed batch with programs that are not ours, plant problems, import.

Every file must land in the log with the right status, accepted answers and scores must be exact,
and the inputs must be left untouched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook

from aitk_forms.cli import main
from aitk_forms.formats import CODECS
from aitk_forms.load import load_content
from aitk_forms.sample import sample_answers
from aitk_forms.scoring import score_form
from aitk_forms.validate import check_answers
from clients.calc_plan import typed_cells
from clients.writer_plan import typed_controls
from conftest import ROOT, SMALL, require_uno_python

CALC_FILL = ROOT / "tests" / "clients" / "calc_fill.py"
WRITER_FILL = ROOT / "tests" / "clients" / "writer_fill.py"
BATCH = [  # (form, language, format, seed)
    ("readiness", "en", "xlsx", 1),
    ("risk", "ar", "xlsx", 2),
    ("workbook", "zh", "xlsx", 3),
    ("readiness", "fr", "docx", 4),
    ("risk", "en", "docx", 5),
    ("workbook", "ar", "docx", 6),
    ("risk", "ru", "pdf", 7),
    ("readiness", "zh", "pdf", 8),
]


def pymupdf_fill(source: Path, target: Path, form, answers):
    fitz = pytest.importorskip("fitz")
    document = fitz.open(source)
    for page in document:
        for widget in page.widgets():
            name = widget.field_name
            qid, _, choice = name.partition("__")
            if qid not in answers:
                continue
            value = answers[qid]
            if choice:
                if choice in value:
                    widget.field_value = widget.on_state()
                    widget.update()
            elif widget.field_type == fitz.PDF_WIDGET_TYPE_RADIOBUTTON:
                if widget.on_state() == value:
                    widget.field_value = widget.on_state()
                    widget.update()
            else:
                widget.field_value = str(value)
                widget.update()
    document.save(target)


def older_content(tmp_path: Path) -> tuple[Path, Path]:
    """The small content as version 0.9 (a question since renamed), and today's with that history."""
    old, current = tmp_path / "content-0.9", tmp_path / "content"
    for target in (old, current):
        shutil.copytree(SMALL, target)
    risk = (old / "risk.yaml").read_text(encoding="utf-8")
    risk = risk.replace('version: "1.0"', 'version: "0.9"').replace("legitimacy_safeguards", "legitimacy_controls")
    (old / "risk.yaml").write_text(risk, encoding="utf-8")
    (current / "history" / "0.9").mkdir(parents=True)
    snapshot = yaml.safe_load(risk)
    snapshot["renamed"] = {"legitimacy_controls": "legitimacy_safeguards"}
    (current / "history" / "0.9" / "risk.yaml").write_text(yaml.safe_dump(snapshot, allow_unicode=True), encoding="utf-8")
    return old, current


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """A folder of returned files: filled forms, planted problems; and what each should become."""
    python = require_uno_python()
    tmp = tmp_path_factory.mktemp("e2e")
    old_root, root = older_content(tmp)
    content, old = load_content(root), load_content(old_root)
    built, inbox = tmp / "build", tmp / "inbox"
    inbox.mkdir()
    expected, calc_jobs, writer_jobs = {}, [], []
    formats = [f for _, _, f, _ in BATCH if f in ("xlsx", "docx") or _has("pdf")]
    for form_id, lang, fmt, seed in BATCH:
        if fmt not in formats:
            continue
        form = content.form(form_id)
        source = built / lang / f"{form_id}.{fmt}"
        source.parent.mkdir(parents=True, exist_ok=True)
        CODECS[fmt].render(content, form, lang, source)
        answers = sample_answers(form, seed)
        target = inbox / f"unit-{seed}-{form_id}.{fmt}"
        expected[target.name] = ("accepted", form_id, answers)
        if fmt == "xlsx":
            calc_jobs.append(
                {"input": str(source), "output": str(target), "cells": typed_cells(content, form, lang, answers), "read": []}
            )
        elif fmt == "docx":
            writer_jobs.append({"source": str(source), "target": str(target), "fill": typed_controls(form, lang, answers)})
        else:
            pymupdf_fill(source, target, form, answers)
    # a form made from version 0.9, which today's content reads through its history
    old_form = old.form("risk")
    CODECS["xlsx"].render(old, old_form, "en", tmp / "risk-0.9.xlsx")
    old_answers = sample_answers(old_form, 11)
    calc_jobs.append({"input": str(tmp / "risk-0.9.xlsx"), "output": str(inbox / "old-version.xlsx"),
                      "cells": typed_cells(old, old_form, "en", old_answers), "read": []})  # fmt: skip
    renamed = {("legitimacy_safeguards" if k == "legitimacy_controls" else k): v for k, v in old_answers.items()}
    expected["old-version.xlsx"] = ("accepted_with_warnings", "risk", renamed)
    _run([python, str(CALC_FILL), str(tmp / "calc.json"), str(tmp / "calc-results.json")], tmp / "calc.json", calc_jobs)
    _run([python, str(WRITER_FILL), str(tmp / "writer.json")], tmp / "writer.json", writer_jobs)
    _plant_problems(inbox, tmp, old_root, expected)
    return content, inbox, expected


def _has(fmt: str) -> bool:
    return fmt in CODECS


def _run(command: list[str], jobs_path: Path, jobs: list) -> None:
    jobs_path.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def _plant_problems(inbox: Path, tmp: Path, old_root: Path, expected: dict) -> None:
    shutil.copy(inbox / "unit-1-readiness.xlsx", inbox / "unit-1-readiness_again.xlsx")
    expected["unit-1-readiness_again.xlsx"] = ("duplicate", None, None)
    (inbox / "forwarded").mkdir()
    data = (inbox / "unit-5-risk.docx").read_bytes()
    (inbox / "forwarded" / "damaged.docx").write_bytes(data[: len(data) // 2])
    expected["damaged.docx"] = ("rejected", None, None)
    foreign = Workbook()
    foreign.active["A1"] = "Budget 2026"
    foreign.save(inbox / "forwarded" / "budget.xlsx")
    expected["budget.xlsx"] = ("rejected", None, None)
    (inbox / "renamed-pdf.xlsx").write_bytes(b"%PDF-1.4\n" + b"0" * 200)
    expected["renamed-pdf.xlsx"] = ("rejected", None, None)
    unknown = tmp / "content-0.5"
    shutil.copytree(old_root, unknown)
    wb = (unknown / "workbook.yaml").read_text(encoding="utf-8").replace('version: "1.0"', 'version: "0.5"')
    (unknown / "workbook.yaml").write_text(wb, encoding="utf-8")
    ancient = load_content(unknown)
    CODECS["docx"].render(ancient, ancient.form("workbook"), "en", inbox / "ancient.docx")
    expected["ancient.docx"] = ("rejected", None, None)


@pytest.fixture(scope="module")
def imported(batch, tmp_path_factory):
    content, inbox, expected = batch
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("report")
    result = CliRunner().invoke(main, ["import", str(inbox), "--content", content.root, "--out", str(out), "--json"])
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*") if p.is_file()}
    document = json.loads(result.stdout)
    return content, expected, result, document, out, before, after


@pytest.mark.client
def test_every_file_lands_in_the_result_with_the_expected_status(imported):
    _, expected, _, document, _, _, _ = imported
    statuses = {Path(f["path"]).name: f["status"] for f in document["files"]}
    assert statuses == {name: status for name, (status, _, _) in expected.items()}


@pytest.mark.client
def test_accepted_answers_and_scores_are_exact(imported):
    content, expected, _, document, _, _, _ = imported
    for entry in document["files"]:
        status, form_id, answers = expected[Path(entry["path"]).name]
        if status.startswith("accepted") and entry["version"] == "1.0":
            form = content.form(form_id)
            clean, _ = check_answers(form, answers)
            assert entry["answers"] == json.loads(json.dumps(clean, ensure_ascii=False)), entry["path"]
            assert entry["scores"] == score_form(form, clean).scores, entry["path"]


@pytest.mark.client
def test_a_form_from_an_older_version_is_read_through_the_history_and_renamed(imported):
    _, expected, _, document, _, _, _ = imported
    entry = next(f for f in document["files"] if f["path"].endswith("old-version.xlsx"))
    assert entry["version"] == "0.9"
    assert entry["answers"] == expected["old-version.xlsx"][2]
    assert "version 0.9" in entry["problems"][0]["message"]


@pytest.mark.client
def test_rejections_say_why(imported):
    _, _, _, document, _, _, _ = imported
    reasons = {Path(f["path"]).name: f["reason"] for f in document["files"] if f["status"] in ("rejected", "duplicate")}
    assert "same file as" in reasons["unit-1-readiness_again.xlsx"]
    assert "version 0.5" in reasons["ancient.docx"]
    assert all(reason for reason in reasons.values())


@pytest.mark.client
def test_the_exit_status_is_1_when_a_file_is_rejected_and_inputs_are_untouched(imported):
    _, _, result, document, _, before, after = imported
    assert result.exit_code == 1
    assert before == after
    summary = document["summary"]
    assert (
        summary["files"]
        == len(document["files"])
        == sum(summary[k] for k in ("accepted", "accepted_with_warnings", "duplicate", "rejected"))
    )


@pytest.mark.client
def test_the_import_log_lists_every_input_with_hash_and_status(imported):
    _, _, _, document, out, before, _ = imported
    with open(out / "import-log.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(before)
    assert {r["sha256"] for r in rows} == set(before.values())
    assert {Path(r["path"]).name: r["status"] for r in rows} == {Path(f["path"]).name: f["status"] for f in document["files"]}
