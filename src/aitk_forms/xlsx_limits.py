"""Excel's own limits, which no schema checks: a workbook that breaks one makes Excel offer to repair
it, shows #NAME? or loses a message. `check_workbook` reads the package with zipfile and lxml.

Lengths are counted as Excel counts them, in UTF-16 code units (a character outside the Basic
Multilingual Plane counts twice). Limits: Microsoft's "Excel specifications and limits" and
[MS-XLS] 2.5.37 (data-validation strings).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)

CELL_TEXT = 32_767
FORMULA = 8_192
VALIDATION_FORMULA = 255
# attribute of <dataValidation>: (what it is, Excel's limit)
VALIDATION_TEXTS = {
    "promptTitle": ("input-message title", 32),
    "prompt": ("input-message text", 255),
    "errorTitle": ("error-alert title", 32),
    "error": ("error-alert text", 225),
}
SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
DEFINED_NAME = 255
LAST_COLUMN, LAST_ROW = 16_384, 1_048_576  # XFD, and the last row

# Functions that Excel 2010 does not have (Excel 2013 and later); a file that uses one shows #NAME?
# there. Excel itself writes them with a `_xlfn.` (or `_xlws.`) prefix, which is looked for as well.
NEWER_FUNCTIONS = frozenset(
    """
    ACOT ACOTH ARABIC BASE BINOM.DIST.RANGE BITAND BITLSHIFT BITOR BITRSHIFT BITXOR CEILING.MATH COMBINA COT COTH
    CSC CSCH DAYS DECIMAL ENCODEURL FILTERXML FLOOR.MATH FORMULATEXT GAMMA GAUSS IFNA IMCOSH IMCOT IMCSC IMCSCH
    IMSEC IMSECH IMSINH IMTAN ISFORMULA ISOWEEKNUM MUNIT NUMBERVALUE PDURATION PERMUTATIONA PHI RRI SEC SECH
    SHEET SHEETS SKEW.P UNICHAR UNICODE WEBSERVICE XOR
    FORECAST.ETS FORECAST.ETS.CONFINT FORECAST.ETS.SEASONALITY FORECAST.ETS.STAT FORECAST.LINEAR
    CONCAT IFS MAXIFS MINIFS SWITCH TEXTJOIN
    FILTER LET RANDARRAY SEQUENCE SORT SORTBY UNIQUE XLOOKUP XMATCH
    LAMBDA MAP REDUCE SCAN MAKEARRAY BYROW BYCOL ISOMITTED TEXTBEFORE TEXTAFTER TEXTSPLIT VSTACK HSTACK TOROW
    TOCOL WRAPROWS WRAPCOLS TAKE DROP CHOOSEROWS CHOOSECOLS EXPAND ARRAYTOTEXT VALUETOTEXT IMAGE STOCKHISTORY
    GROUPBY PIVOTBY PERCENTOF REGEXTEST REGEXEXTRACT REGEXREPLACE TRIMRANGE
    """.split()
)
FUTURE_PREFIX = re.compile(r"_xl(?:fn|ws|pm)\.[\w.]*", re.IGNORECASE)
STRING_OR_QUOTED_SHEET = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
FUNCTION_CALL = re.compile(r"(?<![\w.])([A-Za-z_][\w.]*)\s*\(")
A1_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]+)")
R1C1_REFERENCE = re.compile(r"[Rr][0-9]*([Cc][0-9]*)?|[Cc][0-9]*")


def excel_length(text: str) -> int:
    """Length as Excel counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _sml(name: str) -> str:
    return f"{{{SML}}}{name}"


# ------------------------------------------------------------------ sheet and defined names


def sheet_name_problems(names: list[str]) -> list[str]:
    """What Excel refuses in sheet names: too long, forbidden characters, blank, apostrophes at an
    end, the reserved name History, or two names equal but for case."""
    findings = []
    seen: dict[str, str] = {}
    for name in names:
        shown = f"sheet name {name!r}"
        if not name.strip():
            findings.append(f"{shown} is blank")
        if excel_length(name) > SHEET_NAME:
            findings.append(f"{shown} has {excel_length(name)} characters; Excel allows {SHEET_NAME}")
        forbidden = sorted(SHEET_NAME_FORBIDDEN.intersection(name))
        if forbidden:
            findings.append(f"{shown} contains {' '.join(forbidden)}, which Excel does not allow in sheet names")
        if name.startswith("'") or name.endswith("'"):
            findings.append(f"{shown} starts or ends with an apostrophe")
        if name.casefold() == "history":
            findings.append(f"{shown} is reserved by Excel")
        key = name.casefold()
        if key in seen:
            findings.append(f"{shown} differs from sheet name {seen[key]!r} only in case; Excel treats them as one")
        seen.setdefault(key, name)
    return findings


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def reads_as_cell_reference(name: str) -> bool:
    """True for names such as `ab12`, `XFD1048576`, `R1C1`, `R2`, `C` that Excel reads as references."""
    a1 = A1_REFERENCE.fullmatch(name)
    if a1 and _column_number(a1[1]) <= LAST_COLUMN and 1 <= int(a1[2]) <= LAST_ROW:
        return True
    return R1C1_REFERENCE.fullmatch(name) is not None


def defined_name_problems(name: str) -> list[str]:
    """What Excel refuses in a defined name: a first character other than a letter, `_` or `\\`;
    later characters other than letters, digits, `_`, `.`, `\\` and `?`; a name that reads as a
    cell reference; more than 255 characters."""
    shown = f"defined name {name!r}"
    if not name:
        return ["a defined name is empty"]
    findings = []
    if not (name[0].isalpha() or name[0] in "_\\"):
        findings.append(f"{shown} must start with a letter, an underscore or a backslash")
    invalid = sorted({c for c in name[1:] if not (c.isalnum() or c in "_.\\?")})
    if invalid:
        findings.append(f"{shown} contains characters Excel does not allow in names: {' '.join(map(repr, invalid))}")
    if reads_as_cell_reference(name):
        findings.append(f"{shown} reads as a cell reference")
    if excel_length(name) > DEFINED_NAME:
        findings.append(f"{shown} has {excel_length(name)} characters; Excel allows {DEFINED_NAME}")
    return findings


# ------------------------------------------------------------------ formulas


def newer_functions(formula: str) -> list[str]:
    """Functions in `formula` that Excel 2010 lacks (text in quotes is not looked at)."""
    bare = STRING_OR_QUOTED_SHEET.sub('""', formula)
    found = {m.group(0) for m in FUTURE_PREFIX.finditer(bare)}
    found |= {m[1] for m in FUNCTION_CALL.finditer(bare) if m[1].upper() in NEWER_FUNCTIONS}
    return sorted(found)


def formula_problems(where: str, formula: str, limit: int = FORMULA, what: str = "formula") -> list[str]:
    """A formula longer than Excel takes in its place (`limit`), or using functions Excel 2010 lacks."""
    findings = []
    if excel_length(formula) > limit:
        findings.append(f"{where}: the {what} has {excel_length(formula)} characters; Excel allows {limit}")
    newer = newer_functions(formula)
    if newer:
        findings.append(f"{where}: the {what} uses {', '.join(newer)}, which Excel 2010 does not have")
    return findings


# ------------------------------------------------------------------ the package


def _xml(archive: zipfile.ZipFile, part: str) -> etree._Element | None:
    return etree.fromstring(archive.read(part), PARSER) if part in archive.namelist() else None


def _sheet_parts(archive: zipfile.ZipFile, workbook: etree._Element) -> list[tuple[str, str]]:
    """(sheet name, part name) for each sheet, in workbook order, through xl/_rels/workbook.xml.rels."""
    rels = _xml(archive, "xl/_rels/workbook.xml.rels")
    targets = {}
    for rel in rels.iter(f"{{{RELATIONSHIPS}}}Relationship") if rels is not None else ():
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return [(sheet.get("name", ""), targets.get(sheet.get(f"{{{OFFICE_R}}}id"), "")) for sheet in workbook.iter(_sml("sheet"))]


def _shared_string_lengths(archive: zipfile.ZipFile) -> list[int]:
    strings = _xml(archive, "xl/sharedStrings.xml")
    if strings is None:
        return []
    return [excel_length("".join(si.itertext())) for si in strings.iter(_sml("si"))]


def _cell_text_length(cell: etree._Element, shared: list[int]) -> int:
    kind = cell.get("t")
    if kind == "inlineStr":
        inline = cell.find(_sml("is"))
        return excel_length("".join(inline.itertext())) if inline is not None else 0
    value = cell.find(_sml("v"))
    if value is None or value.text is None:
        return 0
    if kind == "s":
        index = int(value.text)
        return shared[index] if 0 <= index < len(shared) else 0
    return excel_length(value.text) if kind in ("str", "e") else 0


def _validation_problems(where: str, validation: etree._Element) -> list[str]:
    cells = f"{where} {validation.get('sqref', '')}"
    findings = []
    for attribute, (what, limit) in VALIDATION_TEXTS.items():
        text = validation.get(attribute) or ""
        if excel_length(text) > limit:
            findings.append(f"{cells}: the data validation's {what} has {excel_length(text)} characters; Excel allows {limit}")
    for tag in ("formula1", "formula2"):
        formula = validation.find(_sml(tag))
        if formula is not None and formula.text:
            findings += formula_problems(cells, formula.text, VALIDATION_FORMULA, "data-validation formula")
    return findings


def worksheet_problems(sheet: str, sheet_xml: etree._Element, shared: list[int]) -> list[str]:
    """Cell text and formulas, data validations and conditional-formatting formulas of one sheet."""
    where = f"sheet {sheet!r}"
    findings = []
    for cell in sheet_xml.iter(_sml("c")):
        ref = f"{where} {cell.get('r', '?')}"
        length = _cell_text_length(cell, shared)
        if length > CELL_TEXT:
            findings.append(f"{ref}: the text has {length} characters; Excel allows {CELL_TEXT}")
        formula = cell.find(_sml("f"))
        if formula is not None and formula.text:
            findings += formula_problems(ref, formula.text)
    for validation in sheet_xml.iter(_sml("dataValidation")):
        findings += _validation_problems(where, validation)
    for rule in sheet_xml.iter(_sml("cfRule")):
        for formula in rule.iter(_sml("formula")):
            findings += formula_problems(f"{where} conditional format", formula.text or "")
    return findings


def check_workbook(path: Path | str) -> list[str]:
    """Every place where the .xlsx at `path` goes beyond what Excel accepts (empty: none)."""
    with zipfile.ZipFile(path) as archive:
        workbook = _xml(archive, "xl/workbook.xml")
        if workbook is None:
            return ["xl/workbook.xml is missing: this is not an Excel workbook"]
        sheets = _sheet_parts(archive, workbook)
        findings = sheet_name_problems([name for name, _ in sheets])
        for defined in workbook.iter(_sml("definedName")):
            name = defined.get("name", "")
            findings += defined_name_problems(name)
            findings += formula_problems(f"defined name {name!r}", defined.text or "")
        shared = _shared_string_lengths(archive)
        for name, part in sheets:
            sheet_xml = _xml(archive, part)
            if sheet_xml is None:
                findings.append(f"sheet {name!r}: its part {part or '(no relationship)'} is missing")
            elif sheet_xml.tag == _sml("worksheet"):
                findings += worksheet_problems(name, sheet_xml, shared)
    return findings
