"""The consolidated workbook's Status sheet: for each round with a campaign, every respondent x form, whether it
was drafted or sent and whether it came back, as `aitk-forms campaign status` writes it to status.csv."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, fields
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .xlsx_cells import WRAP, put_text, write_header

if TYPE_CHECKING:
    from ..campaign.records import FormStatus

WIDTHS = {"round": 9, "form": 11, "unit": 30, "respondent": 22, "email": 28, "lang": 6, "sent": 9, "sent_at": 21,
          "returned": 22, "returned_at": 26, "file": 36, "detail": 60, "reminded_at": 21}  # fmt: skip


def write_status_sheet(sheet: Worksheet, rows: Sequence[FormStatus]) -> None:
    """One row per respondent x form, the columns of status.csv, ready for a filter on `returned`."""
    names = [field.name for field in fields(rows[0])] if rows else []
    write_header(sheet, 1, names, [WIDTHS.get(name, 16) for name in names])
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(astuple(row), start=1):
            cell = sheet.cell(number, column)
            put_text(cell, value)
            cell.alignment = WRAP
    sheet.freeze_panes = "A2"
    if names:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
