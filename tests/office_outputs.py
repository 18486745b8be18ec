"""The Office files the project generates, built for the tests that check each file whole: against
the ECMA-376 schemas (test_ooxml_schema.py) and against Excel's own limits (test_xlsx_limits.py)."""

from __future__ import annotations

from pathlib import Path

from aitk_forms.formats import CODECS
from aitk_forms.model import Content
from aitk_forms.outcomes import ImportResult
from aitk_forms.reports import write_reports
from test_reports import build_import, first_text_question, response

OFFICE_FORMATS = ("xlsx", "docx")
REPORTS = ("consolidated.xlsx", "report.docx")
# Answers longer than an Excel cell holds (32,767 UTF-16 code units): plain letters, and emoji, each of
# which Excel counts twice, so that a cut by Python's character count alone would still be too long.
LONG_ANSWERS = ("Lorem ipsum dolor sit amet. " * 1_500, "\U0001f600" * 20_000)


def build_forms(content: Content, lang: str, folder: Path, formats: tuple[str, ...] = OFFICE_FORMATS) -> list[Path]:
    """Every form of `content` in `lang`, in each of `formats`, through the codec registry as `build` does."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in formats:
        codec = CODECS[name]
        for form in content.forms:
            path = folder / codec.output_name(form.id)
            codec.render(content, form, lang, path)
            paths.append(path)
    return paths


def import_with_long_answers(content: Content) -> ImportResult:
    """test_reports' import of every form in six languages, plus returns whose answers overflow a cell."""
    result = build_import(content)
    form = content.forms[0]
    extra = [response(form, 100 + n, "en", {first_text_question(form): text}) for n, text in enumerate(LONG_ANSWERS, start=1)]
    return ImportResult(result.files + extra)


def build_reports(content: Content, folder: Path) -> list[Path]:
    """consolidated.xlsx and report.docx (with report.pdf, which write_reports also writes) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    write_reports(content, import_with_long_answers(content), folder)
    return [folder / name for name in REPORTS]
