"""The parts of an .xlsx file that reading needs, parsed with zipfile and a hardened lxml parser."""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

from lxml import etree

from ..errors import UnreadableFile

META_SHEET = "_aitk"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"m": MAIN}
MAX_PART_BYTES = 64 * 1024 * 1024  # a form's part is far smaller; bigger means a zip bomb or not ours
CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]+)$")

MESSAGES = {
    "not_zip": "{path}: not an Excel workbook (.xlsx) or damaged: {error}",
    "not_workbook": "{path}: not an Excel workbook (.xlsx): {error}",
    "too_big": "{path}: part {part} is too large to be a form made by aitk-forms",
    "no_meta": "{path}: has no '_aitk' sheet: it was not made by aitk-forms, or answers were copied into a new file "
    "(ask the respondent to send back the file they were sent)",
    "meta_incomplete": "{path}: the '_aitk' sheet lacks {keys}: the file was changed; ask for the original file",
    "unknown_form": "{path}: made for form '{form}', which this content does not have (known: {known})",
    "unknown_lang": "{path}: made in language '{lang}', which this content does not have",
    "version": "made from content version {found}; this content is version {expected}",
    "fingerprint": "the structure of the form was changed (fingerprint {found}, expected {expected}): answers may be misread",
    "meta_visible": "the hidden '_aitk' sheet is visible: the file was saved by a program that dropped its hidden state",
    "missing_cell": "the answer cell of this question is missing from the file",
    "text_changed": "the question's text was changed in the file",
    "not_option": "answer '{value}' is not one of the options",
    "not_yes": "choice '{choice}': '{value}' is not '{yes}'",
    "bad_date": "'{value}' is not a date",
    "bad_number": "'{value}' is not a number",
    "out_of_range": "{value} is outside the allowed range {low} to {high}",
    "error_value": "the cell holds an error ({value})",
}


def _parser() -> etree.XMLParser:
    # No entities, no network, no huge trees: a returned file is untrusted input.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


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
            root = self._xml("xl/workbook.xml")
        except (zipfile.BadZipFile, OSError) as error:
            raise UnreadableFile(MESSAGES["not_zip"].format(path=path, error=error)) from None
        except (KeyError, etree.XMLSyntaxError) as error:
            raise UnreadableFile(MESSAGES["not_workbook"].format(path=path, error=error)) from None
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
        self._cells: dict[str, dict[str, Cell]] = {}

    def _xml(self, part: str) -> etree._Element:
        info = self.zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableFile(MESSAGES["too_big"].format(path=self.path, part=part))
        with self.zip.open(info) as stream:
            return etree.parse(stream, _parser()).getroot()

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
        try:
            root = self._xml("xl/sharedStrings.xml")
        except KeyError:
            return []
        # Phonetic runs (rPh) are not part of the text.
        return ["".join(si.xpath("m:t/text() | m:r/m:t/text()", namespaces=NS)) for si in root.iterfind("m:si", NS)]

    def cells(self, sheet: str) -> dict[str, Cell]:
        if sheet not in self._cells:
            self._cells[sheet] = self._read_cells(self.sheets[sheet][0])
        return self._cells[sheet]

    def _read_cells(self, part: str) -> dict[str, Cell]:
        try:
            root = self._xml(part)
        except (KeyError, etree.XMLSyntaxError) as error:
            raise UnreadableFile(MESSAGES["not_workbook"].format(path=self.path, error=error)) from None
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
            index = int(v)
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
