"""Streamed sheets of consolidated.xlsx: the workbook is written in openpyxl's write-only mode.

A write-only sheet takes its rows in order and sends each to a file as it comes, so the sheets with a row per
response cost the same memory for ten responses or a hundred thousand. The small sheets (summaries with their
charts, trends) place cells out of order; they are drawn on a scratch sheet of a normal workbook, then copied
row by row into the streamed book with their layout: widths, heights, frozen panes, filters, print setup,
ColumnTitle names and charts. A streamed sheet writes its top (properties, views, widths) with its first row,
so all of that is set before the first `append`.
"""

from __future__ import annotations

from copy import copy

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet


def scratch_book() -> Workbook:
    """An empty normal workbook to draw the small sheets on before `copy_sheet`."""
    book = Workbook()
    book.remove(book.active)
    return book


def copy_sheet(book: Workbook, scratch: Worksheet) -> WriteOnlyWorksheet:
    """Append to the write-only `book` a sheet with the title, layout, charts and cells of `scratch`."""
    sheet = book.create_sheet(scratch.title)
    for letter, dimension in scratch.column_dimensions.items():
        if dimension.width:
            sheet.column_dimensions[letter].width = dimension.width
    for number, dimension in scratch.row_dimensions.items():
        if dimension.height:
            sheet.row_dimensions[number].height = dimension.height
    sheet.views = copy(scratch.views)  # frozen panes live in the sheet view
    sheet.sheet_properties = copy(scratch.sheet_properties)
    for name in ("orientation", "fitToWidth", "fitToHeight"):
        setattr(sheet.page_setup, name, getattr(scratch.page_setup, name))
    sheet.auto_filter.ref = scratch.auto_filter.ref
    for name, defined in scratch.defined_names.items():
        sheet.defined_names[name] = copy(defined)
    for chart in scratch._charts:  # their data references are already text naming the sheet by its title
        sheet.add_chart(chart, chart.anchor)
    for row in scratch.iter_rows():
        sheet.append([_copy_cell(sheet, cell) for cell in row])
    return sheet


def _copy_cell(sheet: WriteOnlyWorksheet, cell: Cell) -> Cell | None:
    if cell.value is None and not cell.has_style:
        return None
    copied = WriteOnlyCell(sheet, cell.value)
    copied.data_type = cell.data_type  # a string starting with "=" stays a string (see xlsx_cells.put_text)
    if cell.has_style:
        copied.font, copied.fill, copied.border = copy(cell.font), copy(cell.fill), copy(cell.border)
        copied.alignment, copied.number_format = copy(cell.alignment), cell.number_format
        copied.protection = copy(cell.protection)
    return copied
