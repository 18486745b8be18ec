"""Names that tell a screen reader which cells title a sheet's columns in Excel.

JAWS and NVDA read a sheet-scoped defined name that starts with `ColumnTitle` on the first cell of a header
row: moving through the table below, they announce each column's title with the cell. A sheet with more
than one table numbers the names after the first (`ColumnTitle2`, ...), as Microsoft's guidance does.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

COLUMN_TITLE = "ColumnTitle"


def mark_column_titles(sheet: Worksheet, row: int, column: int = 1) -> str:
    """Name the header row starting at (`row`, `column`) for screen readers; returns the name given."""
    existing = [name for name in sheet.defined_names if name.startswith(COLUMN_TITLE)]
    name = COLUMN_TITLE if not existing else f"{COLUMN_TITLE}{len(existing) + 1}"
    ref = f"{quote_sheetname(sheet.title)}!${get_column_letter(column)}${row}"
    sheet.defined_names[name] = DefinedName(name, attr_text=ref)
    return name
