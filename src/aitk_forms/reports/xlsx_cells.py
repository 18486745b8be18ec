"""Cells of the consolidated workbook: respondents' text as plain strings, answers as typed data, headers.

Respondents' text is stored as a string cell, never a formula: openpyxl would otherwise turn a value
starting with "=" into one, and a spreadsheet would run it (formula injection).
"""

from __future__ import annotations

import datetime as dt

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from ..model import Form
from ..xlsx_limits import CELL_TEXT, excel_length
from ..xlsx_titles import mark_column_titles

KEPT_OF_LONG_TEXT = 32_000  # UTF-16 code units of a longer text kept in a cell; the store keeps it all
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def put_text(cell: Cell, value: object) -> None:
    """Store `value` as a string cell: never a formula, without the control characters XML cannot hold."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if excel_length(text) > CELL_TEXT:  # Excel counts UTF-16 code units: an emoji counts twice
        note = f" … [cut: {len(text)} characters in all]"
        text = text.encode("utf-16-le")[: 2 * KEPT_OF_LONG_TEXT].decode("utf-16-le", "ignore") + note
    cell.value = text
    cell.data_type = "s"  # set after the value: openpyxl types a string starting with "=" as a formula


def put_answer(cell: Cell, form: Form, question_id: str, value: object) -> None:
    """An answer as data: numbers as numbers, dates as dates, choice ids and text as strings."""
    question = form.question(question_id)
    if isinstance(value, list):
        put_text(cell, "; ".join(str(v) for v in value))
    elif question is not None and question.kind == "number" and isinstance(value, int | float):
        cell.value = value
    elif question is not None and question.kind == "date":
        try:
            cell.value = dt.date.fromisoformat(str(value))
            cell.number_format = "yyyy-mm-dd"
        except ValueError:
            put_text(cell, value)
    else:
        put_text(cell, value)


def write_header(sheet: Worksheet, row: int, values: list[str], widths: list[float] | None = None) -> None:
    for column, value in enumerate(values, start=1):
        _header_cell(sheet.cell(row, column), value)
    if widths:
        set_widths(sheet, widths)
    mark_column_titles(sheet, row)


def header_cells(sheet: WriteOnlyWorksheet, values: list[str]) -> list[Cell]:
    """A header row for a streamed (write-only) sheet, styled as `write_header` styles one; the caller appends it
    and names it with `mark_column_titles`."""
    return [_header_cell(WriteOnlyCell(sheet), value) for value in values]


def text_cell(sheet: WriteOnlyWorksheet, value: object, alignment: Alignment | None = None) -> Cell:
    """A string cell for a streamed sheet (see `put_text`)."""
    cell = WriteOnlyCell(sheet)
    put_text(cell, value)
    if alignment is not None:
        cell.alignment = alignment
    return cell


def set_widths(sheet: Worksheet | WriteOnlyWorksheet, widths: list[float]) -> None:
    """Column widths from column A on; a streamed sheet needs them before its first row."""
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _header_cell(cell: Cell, value: str) -> Cell:
    put_text(cell, value)
    cell.font, cell.fill, cell.alignment = HEADER, HEADER_FILL, WRAP
    return cell
