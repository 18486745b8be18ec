"""Cached formula results written into a saved workbook: openpyxl writes each formula with an empty value, so
mail and cloud previews, which show the values a file carries and compute nothing, showed an empty results
sheet. This step puts a value (`<v>`) into every formula cell of the named sheets, as Excel does when it
saves; Excel and LibreOffice still recompute on opening (`fullCalcOnLoad`)."""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from .package import MAIN, PACKAGE_REL, REL

NS = {"m": MAIN}


def write_cached_values(path: Path | str, values: dict[str, dict[str, object]]) -> list[str]:
    """Give every formula cell of each sheet named in `values` its value (sheet -> cell reference -> value:
    a number, or a string, "" for an empty result). Return the formula cells that had no value given
    ("sheet!A1"): they stay without one, as before this step (the tests require none)."""
    path = Path(path)
    missing: list[str] = []
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        changed = {parts[s]: _with_values(archive.read(parts[s]), s, cells, missing) for s, cells in values.items()}
        entries = [(info, changed.get(info.filename) or archive.read(info)) for info in archive.infolist()]
    temporary = path.with_name(path.name + ".part")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    temporary.replace(path)
    return missing


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the part holding it."""
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iterfind(f"{{{PACKAGE_REL}}}Relationship")}
    parts = {}
    for sheet in workbook.iterfind("m:sheets/m:sheet", NS):
        target = targets[sheet.get(f"{{{REL}}}id")]
        parts[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return parts


def _with_values(xml: bytes, sheet: str, values: dict[str, object], missing: list[str]) -> bytes:
    root = etree.fromstring(xml)
    for cell in root.iterfind("m:sheetData/m:row/m:c", NS):
        if cell.find("m:f", NS) is None:
            continue
        if cell.get("r") in values:
            _set_value(cell, values[cell.get("r")])
        else:
            missing.append(f"{sheet}!{cell.get('r')}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_value(cell: etree._Element, value: object) -> None:
    """`<v>` after `<f>`; a string result is typed `str` (a formula's string, not a shared string)."""
    for old in cell.findall("m:v", NS):
        cell.remove(old)
    v = etree.SubElement(cell, f"{{{MAIN}}}v")
    if isinstance(value, str):
        cell.set("t", "str")
        v.text = value
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"cell {cell.get('r')}: cached value {value!r} is neither a number nor a string")
    else:
        cell.attrib.pop("t", None)
        v.text = str(int(value)) if float(value).is_integer() else repr(float(value))
