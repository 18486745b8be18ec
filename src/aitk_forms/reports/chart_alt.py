"""Alt text for the native charts of consolidated.xlsx: what a screen reader says of a chart.

openpyxl has no alt text for charts and builds each sheet's drawing only while saving, so the text rides on
the chart object (`describe`) and is written into the drawing's `xdr:cNvPr/@descr` after the save
(`write_chart_descriptions`, or `description_edits` for `package.freeze_package`). A drawing lists a sheet's
charts in the order they were added. Only the small parts are read: the sheets stay streams.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from openpyxl import Workbook
from openpyxl.chart._chart import ChartBase

from .package import freeze_package

XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
OFFICE_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_R = "http://schemas.openxmlformats.org/package/2006/relationships"
DRAWING_TYPE = OFFICE_R + "/drawing"
ALT_TEXT = "_aitk_alt_text"


def describe(chart: ChartBase, text: str) -> ChartBase:
    """Give `chart` its alt text (a sentence saying what it shows); returns the chart."""
    setattr(chart, ALT_TEXT, " ".join(text.split()))
    return chart


def chart_descriptions(book: Workbook) -> dict[str, list[str]]:
    """Sheet title -> the alt text of each of its charts, in drawing order (a chart's title when undescribed)."""
    found = {}
    for sheet in book.worksheets:
        charts = getattr(sheet, "_charts", [])
        if charts:
            found[sheet.title] = [getattr(chart, ALT_TEXT, None) or _title_of(chart) for chart in charts]
    return found


def write_chart_descriptions(path: Path, descriptions: dict[str, list[str]]) -> None:
    """Write each chart's alt text into the drawings of the saved workbook at `path` (and fix its times)."""
    freeze_package(path, description_edits(path, descriptions))


def description_edits(path: Path, descriptions: dict[str, list[str]]) -> dict[str, Callable[[bytes], bytes]]:
    """Drawing part -> the edit that writes its charts' alt texts, for `package.freeze_package`."""
    with zipfile.ZipFile(path) as package:
        names = set(package.namelist())
        small = [n for n in names if n == "xl/workbook.xml" or n.endswith(".rels")]
        parts = {name: package.read(name) for name in small}
    drawings = _drawings_by_sheet(parts, descriptions)
    return {part: _edit(texts) for part, texts in drawings.items() if part in names}


def _edit(texts: list[str]) -> Callable[[bytes], bytes]:
    return lambda drawing: _with_descriptions(drawing, texts)


def _drawings_by_sheet(parts: dict[str, bytes], descriptions: dict[str, list[str]]) -> dict[str, list[str]]:
    """Drawing part -> the alt texts of its charts, found through workbook.xml and the sheets' relationships."""
    book = etree.fromstring(parts["xl/workbook.xml"])
    book_rels = _targets(parts, "xl/workbook.xml")
    found = {}
    for sheet in book.iter(f"{{{SML}}}sheet"):
        texts = descriptions.get(sheet.get("name"))
        sheet_part = book_rels.get(sheet.get(f"{{{OFFICE_R}}}id"), (None, None))[1]
        if not texts or sheet_part is None:
            continue
        drawings = [target for kind, target in _targets(parts, sheet_part).values() if kind == DRAWING_TYPE]
        if drawings:
            found[drawings[0]] = texts
    return found


def _targets(parts: dict[str, bytes], part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target part) of `part`."""
    folder, name = posixpath.split(part)
    rels = parts.get(posixpath.join(folder, "_rels", f"{name}.rels"))
    if rels is None:
        return {}
    found = {}
    for rel in etree.fromstring(rels).iter(f"{{{PACKAGE_R}}}Relationship"):
        target = rel.get("Target")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id")] = (rel.get("Type"), resolved)
    return found


def _with_descriptions(drawing: bytes, texts: list[str]) -> bytes:
    root = etree.fromstring(drawing)
    frames = root.findall(f".//{{{XDR}}}graphicFrame/{{{XDR}}}nvGraphicFramePr/{{{XDR}}}cNvPr")
    for properties, text in zip(frames, texts, strict=False):
        properties.set("descr", text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _title_of(chart: ChartBase) -> str:
    """The chart's title as plain text, for a chart no one described."""
    title = chart.title
    if title is None or isinstance(title, str):
        return title or "Chart"
    runs = title.tx.rich.p if title.tx and title.tx.rich else []
    return "".join(run.t for paragraph in runs for run in (paragraph.r or [])) or "Chart"
