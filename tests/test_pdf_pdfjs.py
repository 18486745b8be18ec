"""The fillable PDF filled by pdf.js (npm `pdfjs-dist`, the viewer of Firefox and of many web applications):
every field set through its annotation storage as the viewer's own widgets do, saved with `saveDocument()`,
then imported and compared with what was typed, in every form and language."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from aitk_forms.formats import pdf
from aitk_forms.returns import read_response
from conftest import FORM_IDS, LANGUAGES
from test_pdf import sample_answers

PDFJS = Path(__file__).parent / "pdfjs"


@pytest.fixture(scope="module")
def node() -> str:
    """Node with pdfjs-dist installed by `make test` (npm ci in tests/pdfjs); skipped outside CI if absent."""
    found = shutil.which("node")
    why = None
    if not found:
        why = "node is not installed (Debian: apt-get install nodejs npm)"
    elif not (PDFJS / "node_modules" / "pdfjs-dist" / "package.json").exists():
        why = "pdfjs-dist is not installed: run `make test`, or `npm ci --omit=optional` in tests/pdfjs"
    if why and os.environ.get("CI") == "true":
        pytest.fail(why)
    if why:
        pytest.skip(why)
    return found


def field_values(form, answers: dict) -> dict:
    """What a respondent enters in each field: text as typed, a radio group's chosen export value, check boxes on or off."""
    values = {}
    for q in form.questions():
        if q.kind == "multi_choice":
            values |= {f"{q.id}__{c.id}": c.id in answers.get(q.id, []) for c in q.choices}
        elif q.id in answers:
            values[q.id] = str(answers[q.id])
    return values


def fill_with_pdfjs(node: str, source: Path, target: Path, values: dict) -> dict:
    values_file = target.with_suffix(".json")
    values_file.write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [node, str(PDFJS / "fill.mjs"), str(source), str(target), str(values_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_filled_by_pdfjs_read_back_exactly(node, small_content, tmp_path, form_id, lang):
    form = small_content.form(form_id)
    empty = tmp_path / "empty.pdf"
    pdf.render(small_content, form, lang, empty)
    answers = sample_answers(form, lang)
    filled = tmp_path / "filled.pdf"
    report = fill_with_pdfjs(node, empty, filled, field_values(form, answers))
    assert report["missing"] == [], "pdf.js found fields the test did not fill"
    assert set(report["filled"]) == set(field_values(form, answers))
    response = read_response(filled, small_content)
    assert response.answers == answers
    assert response.problems == ()


def test_a_form_left_empty_in_pdfjs_reads_back_no_answers(node, small_content, tmp_path):
    """The control: saving through pdf.js alone adds no answer, so the answers above are the typed ones."""
    form = small_content.form("risk")
    empty = tmp_path / "empty.pdf"
    pdf.render(small_content, form, "ar", empty)
    saved = tmp_path / "saved.pdf"
    report = fill_with_pdfjs(node, empty, saved, {})
    assert report["filled"] == [] and len(report["missing"]) == len(field_values(form, sample_answers(form, "ar")))
    response = read_response(saved, small_content)
    assert (response.answers, response.problems) == ({}, ())
