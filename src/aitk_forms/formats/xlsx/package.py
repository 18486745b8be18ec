"""The parts of an .xlsx file that reading needs, parsed with zipfile and a hardened lxml parser."""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from lxml import etree

from ...archives import check_zip_limits, xml_damage, zip_damage
from ...errors import UnreadableFile, printable
from ...limits import MAX_CELLS, MAX_PART_BYTES

META_SHEET = "_aitk"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"m": MAIN}
# What a damaged archive raises while a part is decompressed: a bad checksum, bad deflate data, a part cut short.
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")
SHARED_INDEX = re.compile(r"^\s*[0-9]{1,9}\s*$")

MESSAGES = {
    "not_zip": "{path}: not an Excel workbook (.xlsx) or damaged: {error}",
    "not_workbook": "{path}: not an Excel workbook (.xlsx): it has no {part}",
    "too_big": "{path}: part {part} is too large to be a form made by aitk-forms",
    "damaged_part": "{path}: the file is damaged (part {part} cannot be read: {error}); ask the sender to send it again",
    "memory": "{path}: part {part} could not be read within the memory limit: not one of our forms, or made to harm",
    "malformed": "{path}: the file is damaged (part {part} is not well-formed XML: {error}); ask the sender to send it again",
    "missing_part": "{path}: the file is damaged (part '{part}' is missing); ask the sender to send it again",
    "dtd": "{path}: part {part} declares a document type (DTD), which Office files must not have: refused as possibly hostile",
    "too_many_cells": "{path}: a sheet has more than {limit} cells: not a form made by aitk-forms",
    "no_meta": "{path}: has no '_aitk' sheet: it was not made by aitk-forms, or answers were copied into a new file "
    "(ask the respondent to send back the file they were sent)",
}


def _parser() -> etree.XMLParser:
    # No entities, no network, no huge trees: a returned file is untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)


@dataclass(frozen=True)
class Cell:
    kind: str  # "s" text, "n" number, "b" boolean, "e" error
    value: str | float | bool


class Package:
    """The parts of one .xlsx needed to read named cells."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise UnreadableFile(MESSAGES["not_zip"].format(path=path, error=type(error).__name__)) from None
        try:
            check_zip_limits(self.zip.infolist())
            if "xl/workbook.xml" not in self.zip.namelist():
                raise UnreadableFile(MESSAGES["not_workbook"].format(path=path, part="xl/workbook.xml"))
            root = self._xml("xl/workbook.xml")
            self._read_workbook(root)
        except BaseException:
            self.zip.close()
            raise
        self._cells: dict[str, dict[str, Cell]] = {}

    def _read_workbook(self, root: etree._Element) -> None:
        pr = root.find("m:workbookPr", NS)
        self.date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        rels = self._relationships("xl/_rels/workbook.xml.rels")
        self.sheets: dict[str, tuple[str, str]] = {}  # name -> (part, state)
        for sheet in root.iterfind("m:sheets/m:sheet", NS):
            target = rels.get(sheet.get(f"{{{REL}}}id", ""), "")
            self.sheets[sheet.get("name", "")] = (target, sheet.get("state", "visible"))
        self.names = {
            d.get("name", ""): (d.text or "").strip()
            for d in root.iterfind("m:definedNames/m:definedName", NS)
            if d.get("localSheetId") is None
        }

    def _xml(self, part: str) -> etree._Element:
        """A part parsed without entities, DTDs or network; UnreadableFile for any damage."""
        where = {"path": self.path, "part": printable(part)}
        try:
            info = self.zip.getinfo(part)
        except KeyError:
            raise UnreadableFile(MESSAGES["missing_part"].format(**where)) from None
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableFile(MESSAGES["too_big"].format(**where))
        try:
            with self.zip.open(info) as stream:
                tree = etree.parse(stream, _parser())
        except ZIP_DAMAGE as error:
            raise UnreadableFile(MESSAGES["damaged_part"].format(**where, error=zip_damage(error))) from None
        except etree.XMLSyntaxError as error:
            # libxml2 reports an allocation that the memory limit refused as an error without a message.
            key = "memory" if "unknown error" in str(error) else "malformed"
            raise UnreadableFile(MESSAGES[key].format(**where, error=xml_damage(error))) from None
        if tree.docinfo.doctype:  # the Open Packaging Conventions make a DTD an error (ECMA-376-2, M1.18)
            raise UnreadableFile(MESSAGES["dtd"].format(**where))
        return tree.getroot()

    def _relationships(self, part: str) -> dict[str, str]:
        base = posixpath.dirname(posixpath.dirname(part))
        found = {}
        for rel in self._xml(part).iterfind(f"{{{PACKAGE_REL}}}Relationship"):
            target = rel.get("Target", "")
            found[rel.get("Id", "")] = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            )
        return found

    @cached_property
    def shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.zip.namelist():
            return []
        root = self._xml("xl/sharedStrings.xml")
        # Phonetic runs (rPh) are not part of the text.
        return ["".join(si.xpath("m:t/text() | m:r/m:t/text()", namespaces=NS)) for si in root.iterfind("m:si", NS)]

    def cells(self, sheet: str) -> dict[str, Cell]:
        if sheet not in self._cells:
            self._cells[sheet] = self._read_cells(self.sheets[sheet][0])
        return self._cells[sheet]

    def _read_cells(self, part: str) -> dict[str, Cell]:
        root = self._xml(part)
        if root.xpath("count(m:sheetData/m:row/m:c)", namespaces=NS) > MAX_CELLS:  # counted in C, before any Cell is made
            raise UnreadableFile(MESSAGES["too_many_cells"].format(path=self.path, limit=MAX_CELLS))
        cells = {}
        for c in root.iterfind("m:sheetData/m:row/m:c", NS):
            cell = self._cell(c)
            if cell is not None and c.get("r"):
                cells[c.get("r")] = cell
        return cells

    def _cell(self, c: etree._Element) -> Cell | None:
        kind = c.get("t", "n")
        if kind == "inlineStr":
            return Cell("s", "".join(c.xpath("m:is/m:t/text() | m:is/m:r/m:t/text()", namespaces=NS)))
        v = c.findtext("m:v", namespaces=NS)
        if v is None:
            return None
        if kind == "s":
            index = int(v) if SHARED_INDEX.match(v) else -1
            return Cell("s", self.shared_strings[index] if 0 <= index < len(self.shared_strings) else "")
        if kind in ("str", "e"):
            return Cell("s" if kind == "str" else "e", v)
        if kind == "b":
            return Cell("b", v.strip() in ("1", "true"))
        try:
            return Cell("n", float(v))
        except ValueError:
            return Cell("s", v)

    def named_cell(self, name: str) -> tuple[bool, Cell | None]:
        """(whether the name exists and points at a cell, the cell's content or None when empty)."""
        target = self.names.get(name)
        if not target or "!" not in target:
            return False, None
        sheet, ref = target.rsplit("!", 1)
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        ref = ref.split(":")[0].replace("$", "")
        if sheet not in self.sheets or not CELL_REF.match(ref):
            return False, None
        return True, self.cells(sheet).get(ref)

    def named_rows(self, name: str) -> tuple[str, list[int]]:
        """The sheet and the rows of the range a defined name points at (empty when absent or not a column range)."""
        target = self.names.get(name)
        if not target or "!" not in target:
            return "", []
        sheet, ref = target.rsplit("!", 1)
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        corners = [CELL_REF.match(part.replace("$", "")) for part in ref.split(":")]
        if sheet not in self.sheets or not all(corners) or len(corners) > 2:
            return "", []
        first, last = int(corners[0].group(2)), int(corners[-1].group(2))
        return sheet, list(range(first, min(last, first + 1000) + 1))

    def serial_date(self, serial: float) -> date:
        start = date(1904, 1, 1) if self.date1904 else date(1899, 12, 30)
        return start + timedelta(days=int(serial))


def as_text(cell: Cell) -> str:
    """A cell's content as the text a person typed (a whole number without ".0")."""
    if cell.kind == "n":
        value = float(cell.value)
        return str(int(value)) if value.is_integer() else repr(value)
    if cell.kind == "b":
        return "TRUE" if cell.value else "FALSE"
    return str(cell.value)
