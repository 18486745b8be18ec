"""Fill workbooks in LibreOffice Calc over UNO, as a respondent would, and report the live results.

Run by Debian's /usr/bin/python3 (it has the `uno` module): `calc_fill.py JOBS.json RESULTS.json`.
JOBS.json is a list of {"input", "output", "cells": [{"name", "type": text|number|date_serial, "value"}],
"read": [defined names]}. Each workbook is opened, its named cells are typed in, it is recalculated
and saved as .xlsx to "output"; RESULTS.json maps each output path to {name: value} for the names
in "read" (a number, a text, or null for an empty cell or an empty-text result).
"""

import json
import os
import sys

import office
import uno
from office import prop

FORMULA_STRING, FORMULA_ERROR = 2, 4  # com.sun.star.sheet.FormulaResult


def start_office():
    process, _, desktop, profile = office.start_office("aitk-calc-fill-")
    return process, desktop, profile


def named_cell(doc, name):
    return doc.NamedRanges.getByName(name).getReferredCells().getCellByPosition(0, 0)


def type_value(cell, kind, value):
    if kind == "text":
        cell.setString(value)
    else:  # numbers and date serials are what typing a number or a date stores
        cell.setValue(float(value))


def cell_value(cell):
    if cell.getType().value == "EMPTY":
        return None
    if cell.getType().value == "FORMULA":
        kind = cell.FormulaResultType2
        if kind == FORMULA_ERROR:
            return f"#ERROR {cell.getError()}"
        if kind == FORMULA_STRING:
            return cell.getString() or None
        return cell.getValue()
    if cell.getType().value == "TEXT":
        return cell.getString()
    return cell.getValue()


def fill(desktop, job):
    url = uno.systemPathToFileUrl(os.path.abspath(job["input"]))
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        raise RuntimeError(f"LibreOffice could not open {job['input']} (locked by another process, or damaged)")
    try:
        for entry in job["cells"]:
            type_value(named_cell(doc, entry["name"]), entry["type"], entry["value"])
        doc.calculateAll()
        values = {name: cell_value(named_cell(doc, name)) for name in job["read"]}
        out = uno.systemPathToFileUrl(os.path.abspath(job["output"]))
        doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
    finally:
        doc.close(True)
    return values


def main():
    jobs_path, results_path = sys.argv[1], sys.argv[2]
    with open(jobs_path, encoding="utf-8") as stream:
        jobs = json.load(stream)
    process, desktop, profile = start_office()
    results = {}
    try:
        for job in jobs:
            results[job["output"]] = fill(desktop, job)
    finally:
        office.stop_office(process, desktop, profile)
    with open(results_path, "w", encoding="utf-8") as stream:
        json.dump(results, stream, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
