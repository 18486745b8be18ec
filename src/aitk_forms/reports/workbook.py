"""consolidated.xlsx: a summary sheet per form with native charts, the answers per form, all scores and the import log."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..model import Content
from ..outcomes import ImportResult
from ..xlsx_titles import mark_column_titles
from .chart_alt import chart_descriptions, description_edits
from .importlog import COLUMNS, log_rows
from .package import fixed_time, freeze_package
from .status import write_status_sheet
from .summary import REPORT_LANG, FormSummary, ReportSummary, level_label, respondent_name, summarise
from .trends_sheet import add_trend_sheets
from .workbook_summary import write_summary_sheet
from .xlsx_cells import WRAP, header_cells, put_answer, set_widths, text_cell
from .xlsx_stream import copy_sheet, scratch_book


def write_workbook(content: Content, result: ImportResult, path: Path, summary: ReportSummary | None = None) -> None:
    """Write consolidated.xlsx for `result` to `path` (from `summary`, when the caller made it already).

    The book is streamed (write-only): the sheets with a row per response or per file never sit in memory."""
    summary = summary or summarise(content, result)
    book = Workbook(write_only=True)
    small = scratch_book()
    for form_summary in summary.forms:
        write_summary_sheet(small.create_sheet(sheet_title("Summary", form_summary.form.id)), form_summary)
    add_trend_sheets(small, result.trends)
    for scratch in small.worksheets:
        copy_sheet(book, scratch)
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
    freeze_package(Path(path), description_edits(Path(path), chart_descriptions(book)))


def sheet_title(kind: str, form_id: str) -> str:
    """A sheet name such as "Answers – readiness", within Excel's 31 characters."""
    return f"{kind} – {form_id}"[:31]


def write_answers_sheet(sheet: WriteOnlyWorksheet, summary: FormSummary) -> None:
    """One row per accepted response; a column per question: its id, then its English text below."""
    form = summary.form
    questions = list(form.questions())
    set_widths(sheet, [28, 10] + [22] * len(questions))
    sheet.row_dimensions[2].height = 75
    sheet.freeze_panes = "C3"
    sheet.append(header_cells(sheet, ["file", "language"] + [q.id for q in questions]))
    sheet.append(header_cells(sheet, ["File", "Language"] + [q.label.get(REPORT_LANG) for q in questions]))
    mark_column_titles(sheet, 1)
    mark_column_titles(sheet, 2)
    rows = 0
    for response in summary.responses:
        cells = [text_cell(sheet, response.path), text_cell(sheet, response.lang or "")]
        for question in questions:
            cell = None
            if question.id in response.answers:
                cell = WriteOnlyCell(sheet)
                put_answer(cell, form, question.id, response.answers[question.id])
            cells.append(cell)
        sheet.append(cells)
        rows += 1
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(questions) + 2)}{rows + 2}"


def write_scores_sheet(sheet: WriteOnlyWorksheet, forms: tuple[FormSummary, ...]) -> None:
    """Every result of every accepted response, one per row, ready for a filter or a pivot table."""
    set_widths(sheet, [28, 11, 40, 10, 22, 34, 9, 24, 30])
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, ["file", "form", "respondent", "language", "result", "label", "score", "level", "status"]))
    mark_column_titles(sheet, 1)
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
                cells = [text_cell(sheet, value) for value in values] + [response.scores.get(rule.key)]
                cells += [text_cell(sheet, level_label(form, rule, level) if level else ""), text_cell(sheet, status)]
                sheet.append(cells)
                row += 1
    sheet.auto_filter.ref = f"A1:I{max(row - 1, 1)}"


FINDINGS = {"not_enough_knowledge": "not enough knowledge (most answers were \"Don't know\")",
            "until_resolved": "until the \"Don't know\" answers are resolved"}  # fmt: skip


def result_status(response, key: str) -> str:
    """What a score cell cannot say: provisional (how much is answered) or a finding."""
    if key in response.provisional:
        found = response.provisional[key]
        return f"provisional: {found['answered']} of {found['needed']} inputs known"
    return FINDINGS.get(response.findings.get(key, ""), "")


def write_log_sheet(sheet: WriteOnlyWorksheet, result: ImportResult) -> None:
    """The import log, as import-log.csv has it: every file, including duplicates and rejections."""
    set_widths(sheet, [36, 18, 22, 40, 7, 10, 8, 6, 8, 60])
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, list(COLUMNS)))
    mark_column_titles(sheet, 1)
    rows = 0
    for values in log_rows(result):
        cells = zip(COLUMNS, values, strict=True)
        sheet.append([int(value) if name == "answers" else text_cell(sheet, value, WRAP) for name, value in cells])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{rows + 1}"
