"""consolidated.xlsx: a summary sheet per form with native charts, the answers per form, all scores and the import log."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Content
from ..outcomes import ImportResult
from .chart_alt import chart_descriptions, write_chart_descriptions
from .importlog import COLUMNS, log_rows
from .package import fixed_time, freeze_package
from .status import write_status_sheet
from .summary import REPORT_LANG, FormSummary, ReportSummary, level_label, respondent_name, summarise
from .trends_sheet import add_trend_sheets
from .workbook_summary import write_summary_sheet
from .xlsx_cells import WRAP, put_answer, put_text, write_header


def write_workbook(content: Content, result: ImportResult, path: Path, summary: ReportSummary | None = None) -> None:
    """Write consolidated.xlsx for `result` to `path` (from `summary`, when the caller made it already)."""
    summary = summary or summarise(content, result)
    book = Workbook()
    book.remove(book.active)
    for form_summary in summary.forms:
        write_summary_sheet(book.create_sheet(sheet_title("Summary", form_summary.form.id)), form_summary)
    add_trend_sheets(book, result.trends)
    write_scores_sheet(book.create_sheet("Scores"), summary.forms)
    for form_summary in summary.forms:
        write_answers_sheet(book.create_sheet(sheet_title("Answers", form_summary.form.id)), form_summary)
    write_log_sheet(book.create_sheet("Import log"), result)
    if result.campaign:
        write_status_sheet(book.create_sheet("Status"), result.campaign)
    book.properties.creator = book.properties.lastModifiedBy = "aitk-forms"
    book.properties.title = "Consolidated responses"
    book.properties.created = book.properties.modified = fixed_time().replace(tzinfo=None)
    book.save(path)
    write_chart_descriptions(Path(path), chart_descriptions(book))
    freeze_package(Path(path))


def sheet_title(kind: str, form_id: str) -> str:
    """A sheet name such as "Answers – readiness", within Excel's 31 characters."""
    return f"{kind} – {form_id}"[:31]


def write_answers_sheet(sheet: Worksheet, summary: FormSummary) -> None:
    """One row per accepted response; a column per question: its id, then its English text below."""
    form = summary.form
    questions = list(form.questions())
    write_header(sheet, 1, ["file", "language"] + [q.id for q in questions], [28, 10] + [22] * len(questions))
    write_header(sheet, 2, ["File", "Language"] + [q.label.get(REPORT_LANG) for q in questions])
    sheet.row_dimensions[2].height = 75
    for row, response in enumerate(summary.responses, start=3):
        put_text(sheet.cell(row, 1), response.path)
        put_text(sheet.cell(row, 2), response.lang or "")
        for column, question in enumerate(questions, start=3):
            if question.id in response.answers:
                put_answer(sheet.cell(row, column), form, question.id, response.answers[question.id])
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(questions) + 2)}{len(summary.responses) + 2}"


def write_scores_sheet(sheet: Worksheet, forms: tuple[FormSummary, ...]) -> None:
    """Every result of every accepted response, one per row, ready for a filter or a pivot table."""
    write_header(sheet, 1, ["file", "form", "respondent", "language", "result", "label", "score", "level", "status"],
                 [28, 11, 40, 10, 22, 34, 9, 24, 30])  # fmt: skip
    row = 2
    for summary in forms:
        form = summary.form
        for response in summary.responses:
            name = respondent_name(form, response)
            for rule in form.results:
                status = result_status(response, rule.key)
                if rule.key not in response.scores and not status:
                    continue
                level = response.levels.get(rule.key, {}).get("id")
                values = [response.path, form.id, name, response.lang or "", rule.key, rule.label.get(REPORT_LANG)]
                for column, value in enumerate(values, start=1):
                    put_text(sheet.cell(row, column), value)
                sheet.cell(row, 7).value = response.scores.get(rule.key)
                put_text(sheet.cell(row, 8), level_label(form, rule, level) if level else "")
                put_text(sheet.cell(row, 9), status)
                row += 1
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:I{max(row - 1, 1)}"


FINDINGS = {"not_enough_knowledge": "not enough knowledge (most answers were \"Don't know\")",
            "until_resolved": "until the \"Don't know\" answers are resolved"}  # fmt: skip


def result_status(response, key: str) -> str:
    """What a score cell cannot say: provisional (how much is answered) or a finding."""
    if key in response.provisional:
        found = response.provisional[key]
        return f"provisional: {found['answered']} of {found['needed']} inputs known"
    return FINDINGS.get(response.findings.get(key, ""), "")


def write_log_sheet(sheet: Worksheet, result: ImportResult) -> None:
    """The import log, as import-log.csv has it: every file, including duplicates and rejections."""
    write_header(sheet, 1, list(COLUMNS), [36, 18, 22, 40, 7, 10, 8, 6, 8, 60])
    for row, values in enumerate(log_rows(result), start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row, column)
            if COLUMNS[column - 1] == "answers":
                cell.value = int(value)
            else:
                put_text(cell, value)
                cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(result.files) + 1}"
