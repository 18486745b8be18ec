"""The workbook's live results as a second formula engine computes them: the `formulas` package (PyPI).

A blank workbook is compiled once (seconds); each filled copy is then calculated with the values its
answer cells hold as inputs (tens of milliseconds), so many answer sets cost one compilation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import formulas
import schedula
from openpyxl import load_workbook

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def named_cells(path: Path) -> dict[str, tuple[str, str]]:
    """Defined name -> (sheet, cell) for every single-cell defined name of the workbook."""
    wb = load_workbook(path)
    cells = {}
    for name, definition in wb.defined_names.items():
        destinations = list(definition.destinations)
        if len(destinations) == 1 and ":" not in destinations[0][1]:
            sheet, ref = destinations[0]
            cells[name] = (sheet, ref.replace("$", ""))
    return cells


@dataclass
class CompiledWorkbook:
    """A blank workbook compiled by `formulas`, ready to calculate any filling of its answer cells."""

    path: Path
    model: formulas.ExcelModel
    cells: dict[str, tuple[str, str]]

    def address(self, name: str) -> str:
        """The `formulas` address of a defined name's cell: '[book.xlsx]SHEET'!A1 (the sheet upper-cased)."""
        sheet, ref = self.cells[name]
        return f"'[{self.path.name}]{sheet.upper()}'!{ref}"

    def calculate(self, filled: Path, read: list[str]) -> dict[str, object]:
        """The values of the `read` names once the answer cells hold what `filled` holds ("" read as empty)."""
        wb = load_workbook(filled)
        inputs = {}
        for name, (sheet, ref) in self.cells.items():
            if name.startswith("ans_") and wb[sheet][ref].value is not None:
                inputs[self.address(name)] = _engine_value(wb[sheet][ref].value)
        solution = self.model.calculate(inputs=inputs, outputs=[self.address(name) for name in read])
        shown = {}
        for name in read:
            value = solution[self.address(name)].value[0, 0]
            # an empty cell and a formula giving "" look the same to a respondent; an Excel error stays itself
            shown[name] = None if value is schedula.EMPTY or (isinstance(value, str) and value == "") else value
        return shown


def compile_workbook(path: Path) -> CompiledWorkbook:
    """Compile every formula of the workbook at `path` (the blank form)."""
    model = formulas.ExcelModel().loads(str(path)).finish()
    return CompiledWorkbook(path, model, named_cells(path))


def _engine_value(value: object) -> object:
    """A cell value as Excel stores it: dates as serial numbers."""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).days
    if isinstance(value, dt.date):
        return (value - EXCEL_EPOCH.date()).days
    return value
