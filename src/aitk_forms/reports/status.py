"""The consolidated workbook's Status sheet: for each round with a campaign, every respondent x form, whether it
was drafted or sent and whether it came back, as `aitk-forms campaign status` writes it to status.csv."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple, fields
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..xlsx_titles import mark_column_titles
from .xlsx_cells import WRAP, header_cells, set_widths, text_cell

if TYPE_CHECKING:
    from ..campaign.records import FormStatus

WIDTHS = {"round": 9, "form": 11, "unit": 30, "respondent": 22, "email": 28, "lang": 6, "sent": 9, "sent_at": 21,
          "returned": 22, "returned_at": 26, "file": 36, "detail": 60, "reminded_at": 21}  # fmt: skip


def write_status_sheet(sheet: WriteOnlyWorksheet, rows: Sequence[FormStatus]) -> None:
    """One row per respondent x form, the columns of status.csv, ready for a filter on `returned`; streamed."""
    names = [field.name for field in fields(rows[0])] if rows else []
    set_widths(sheet, [WIDTHS.get(name, 16) for name in names])
    sheet.freeze_panes = "A2"
    sheet.append(header_cells(sheet, names))
    mark_column_titles(sheet, 1)
    for row in rows:
        sheet.append([text_cell(sheet, value, WRAP) for value in astuple(row)])
    if names:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
