"""Validation of every XML part of an .xlsx or .docx against the ECMA-376 transitional RELAX NG
grammars with Debian's `jing`, a validator that is not LibreOffice (test support).

Office's optional markup is set aside first (ooxml_compatibility.py), as a consumer that knows only
the standard does. The prepared parts of all the packages given are validated by one Java start,
with one grammar made of the entry grammars they need.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

from ooxml_compatibility import set_aside_optional_markup

REPOSITORY = Path(__file__).resolve().parent.parent
OPC_GRAMMAR = Path(__file__).resolve().parent / "ooxml_opc.rnc"
GRAMMAR_ENV = "AITK_ECMA_RNC"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/"
CONTENT_TYPES_PART = "[Content_Types].xml"
OFFICE = "application/vnd.openxmlformats-officedocument."


@dataclass(frozen=True)
class Grammar:
    """An entry grammar of ../shared/ecma376-rnc (or `opc:<pattern>` of ooxml_opc.rnc) and the root it admits."""

    entry: str
    root: str


def _grammar(entry: str, namespace: str, local: str) -> Grammar:
    return Grammar(entry, f"{{{namespace}}}{local}")


DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/"
# Content type (after application/vnd.openxmlformats-officedocument.) -> entry grammar, root namespace
# and name. The grammar is chosen by the declared content type; the part's root must be the promised one.
BY_CONTENT_TYPE = {
    f"{OFFICE}{content_type}": _grammar(entry, namespace, root)
    for content_type, entry, namespace, root in (
        ("spreadsheetml.sheet.main+xml", "SpreadsheetML_Workbook", SML, "workbook"),
        ("spreadsheetml.worksheet+xml", "SpreadsheetML_Worksheet", SML, "worksheet"),
        ("spreadsheetml.chartsheet+xml", "SpreadsheetML_Chartsheet", SML, "chartsheet"),
        ("spreadsheetml.styles+xml", "SpreadsheetML_Styles", SML, "styleSheet"),
        ("spreadsheetml.sharedStrings+xml", "SpreadsheetML_Shared_String_Table", SML, "sst"),
        ("spreadsheetml.calcChain+xml", "SpreadsheetML_Calculation_Chain", SML, "calcChain"),
        ("spreadsheetml.table+xml", "SpreadsheetML_Table_Definitions", SML, "table"),
        ("spreadsheetml.comments+xml", "SpreadsheetML_Comments", SML, "comments"),
        ("drawing+xml", "SpreadsheetML_Drawing", f"{DRAWING}spreadsheetDrawing", "wsDr"),
        ("drawingml.chart+xml", "DrawingML_Chart", f"{DRAWING}chart", "chartSpace"),
        ("theme+xml", "DrawingML_Theme", A, "theme"),
        ("wordprocessingml.document.main+xml", "WordprocessingML_Main_Document", W, "document"),
        ("wordprocessingml.styles+xml", "WordprocessingML_Style_Definitions", W, "styles"),
        ("wordprocessingml.settings+xml", "WordprocessingML_Document_Settings", W, "settings"),
        ("wordprocessingml.webSettings+xml", "WordprocessingML_Web_Settings", W, "webSettings"),
        ("wordprocessingml.fontTable+xml", "WordprocessingML_Font_Table", W, "fonts"),
        ("wordprocessingml.numbering+xml", "WordprocessingML_Numbering_Definitions", W, "numbering"),
        ("wordprocessingml.footer+xml", "WordprocessingML_Footer", W, "ftr"),
        ("wordprocessingml.header+xml", "WordprocessingML_Header", W, "hdr"),
        ("wordprocessingml.footnotes+xml", "WordprocessingML_Footnotes", W, "footnotes"),
        ("wordprocessingml.endnotes+xml", "WordprocessingML_Endnotes", W, "endnotes"),
        ("wordprocessingml.comments+xml", "WordprocessingML_Comments", W, "comments"),
        ("extended-properties+xml", "Shared_Extended_File_Properties", f"{OFFICE_DOC}extended-properties", "Properties"),
        ("custom-properties+xml", "Shared_Custom_File_Properties", f"{OFFICE_DOC}custom-properties", "Properties"),
        ("customXmlProperties+xml", "Shared_Custom_XML_Data_Storage_Properties", f"{OFFICE_DOC}customXml", "datastoreItem"),
    )
} | {
    # Word 2010's copy of the styles with effects: the same w:styles grammar.
    "application/vnd.ms-word.stylesWithEffects+xml": _grammar("WordprocessingML_Style_Definitions", W, "styles"),
    # The package's own parts, described by ooxml_opc.rnc (ECMA-376 Part 2).
    "application/vnd.openxmlformats-package.core-properties+xml": _grammar(
        "opc:opc_coreProperties", f"{PACKAGE}metadata/core-properties", "coreProperties"
    ),
    "application/vnd.openxmlformats-package.relationships+xml": _grammar(
        "opc:opc_relationships", f"{PACKAGE}relationships", "Relationships"
    ),
}
CONTENT_TYPES_GRAMMAR = _grammar("opc:opc_types", f"{PACKAGE}content-types", "Types")
# Parts typed only as plain XML (custom XML data) are known by their root element.
GENERIC_XML = ("application/xml", "text/xml")
BY_ROOT = {g.root: g for g in (_grammar("Shared_Bibliography", f"{OFFICE_DOC}bibliography", "Sources"),)}

SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
JING_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<kind>error|fatal|warning): (?P<message>.*)$")


@dataclass(frozen=True)
class Finding:
    """One place where a part breaks its grammar. `line` counts lines of the prepared part (optional
    markup set aside, one element per line); `where` is the path of the element starting there."""

    part: str
    line: int
    message: str
    where: str = ""

    def __str__(self) -> str:
        at = f" [{self.where}]" if self.where else ""
        return f"{self.part}:{self.line}: {self.message}{at}"


class GrammarError(RuntimeError):
    """jing could not run the grammars at all: a broken set-up, not a finding about a file."""


# ------------------------------------------------------------------ where the tools are


def grammar_folder() -> tuple[Path, str]:
    """The grammar folder, and how it was found (for messages)."""
    configured = os.environ.get(GRAMMAR_ENV)
    if configured:
        return Path(configured), f"${GRAMMAR_ENV}"
    return (
        REPOSITORY.parent / "shared" / "ecma376-rnc",
        f"../shared/ecma376-rnc beside the repository (set ${GRAMMAR_ENV} to override)",
    )


def _skip_or_fail(why: str):
    """Missing tools skip the schema tests on a developer's machine; under CI they must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{why}; CI=true, so the schema tests must run")
    pytest.skip(why)


@dataclass(frozen=True)
class Validator:
    """The grammar folder and the jing program, found once."""

    grammars: Path
    jing: str

    def validate_package(self, path: Path) -> list[Finding]:
        return self.validate_packages([path])[Path(path)]

    def validate_packages(self, paths: Sequence[Path]) -> dict[Path, list[Finding]]:
        return validate_packages(paths, self.grammars, self.jing)


def require_validator() -> Validator:
    """The grammars and jing; skips (or fails under CI=true) naming where it looked."""
    folder, how = grammar_folder()
    if not (folder / "wml.rnc").is_file() or not (folder / "sml.rnc").is_file():
        _skip_or_fail(f"the ECMA-376 RELAX NG grammars are not in {folder} (looked in {how})")
    jing = shutil.which("jing")
    if jing is None:
        _skip_or_fail("jing is not installed (Debian: apt-get install jing)")
    return Validator(folder, jing)


# ------------------------------------------------------------------ the parts of a package


@dataclass(frozen=True)
class PreparedPart:
    """A part ready for jing: its grammar, and the file holding it with optional markup set aside."""

    name: str
    grammar: Grammar
    file: Path

    def element_paths(self, lines: set[int]) -> dict[int, str]:
        """The path of the element that starts on each of `lines` of the prepared file."""
        tree = etree.parse(str(self.file), SAFE_PARSER)
        wanted = {e.sourceline: e for e in tree.iter() if isinstance(e.tag, str) and e.sourceline in lines}
        return {line: _prefixed_path(element) for line, element in wanted.items()}


def _prefixed_path(element: etree._Element) -> str:
    steps = []
    while element is not None:
        parent = element.getparent()
        local = etree.QName(element).localname
        name = f"{element.prefix}:{local}" if element.prefix else local
        if parent is not None:
            same = [e for e in parent if e.tag == element.tag]
            name += f"[{same.index(element) + 1}]" if len(same) > 1 else ""
        steps.append(name)
        element = parent
    return "/" + "/".join(reversed(steps))


def _content_types(archive: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """Overrides by part name and defaults by extension, both lower-cased as OPC compares them."""
    root = etree.fromstring(archive.read(CONTENT_TYPES_PART), SAFE_PARSER)
    ns = f"{{{PACKAGE}content-types}}"
    overrides = {e.get("PartName", "").lstrip("/").lower(): e.get("ContentType", "") for e in root.iter(f"{ns}Override")}
    defaults = {e.get("Extension", "").lower(): e.get("ContentType", "") for e in root.iter(f"{ns}Default")}
    return overrides, defaults


def _content_type(name: str, overrides: dict[str, str], defaults: dict[str, str]) -> str:
    extension = PurePosixPath(name).name.rpartition(".")[2].lower()  # "_rels/.rels" has the extension "rels"
    return overrides.get(name.lower()) or defaults.get(extension, "")


def _is_xml(content_type: str) -> bool:
    return content_type.endswith(("+xml", "/xml")) or content_type == f"{OFFICE}vmlDrawing"


def _grammar_for(name: str, content_type: str, root: etree._Element) -> Grammar | str:
    """The grammar of a part, or why there is none."""
    if name == CONTENT_TYPES_PART:
        return CONTENT_TYPES_GRAMMAR
    grammar = BY_CONTENT_TYPE.get(content_type)
    if grammar is None and content_type in GENERIC_XML:
        grammar = BY_ROOT.get(root.tag)
    if grammar is None:
        return f"no ECMA-376 grammar is known here for content type {content_type!r} (root element {root.tag})"
    if root.tag != grammar.root:
        return f"the root element is {root.tag}, but content type {content_type!r} needs {grammar.root}"
    return grammar


def _repeated_relationship_ids(name: str, root: etree._Element) -> list[Finding]:
    """Relationship Ids must be unique within their part (OPC); the grammar cannot say so."""
    ids = [e.get("Id") for e in root.iter(f"{{{PACKAGE}relationships}}Relationship")]
    return [Finding(name, 0, f"relationship Id {i!r} is used {ids.count(i)} times") for i in sorted(set(ids)) if ids.count(i) > 1]


def _prepare_part(name: str, data: bytes, content_type: str, folder: Path) -> PreparedPart | list[Finding]:
    try:
        root = etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as error:
        return [Finding(name, error.lineno or 0, f"not well-formed XML: {error.msg}")]
    grammar = _grammar_for(name, content_type, root)
    if isinstance(grammar, str):
        return [Finding(name, 0, grammar)]
    repeated = _repeated_relationship_ids(name, root)
    if repeated:
        return repeated
    set_aside_optional_markup(root)
    file = folder / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
    return PreparedPart(name, grammar, file)


def prepare_package(path: Path, folder: Path) -> tuple[list[PreparedPart], list[Finding]]:
    """Write each XML part of the package at `path` under `folder`, optional markup set aside and one
    element per line; parts that cannot be validated at all come back as findings at once."""
    parts: list[PreparedPart] = []
    findings: list[Finding] = []
    with zipfile.ZipFile(path) as archive:
        overrides, defaults = _content_types(archive)
        for name in archive.namelist():
            content_type = "" if name == CONTENT_TYPES_PART else _content_type(name, overrides, defaults)
            if name.endswith("/") or (content_type and not _is_xml(content_type)):
                continue
            if name != CONTENT_TYPES_PART and not content_type:
                findings.append(Finding(name, 0, "the part has no content type in [Content_Types].xml"))
                continue
            prepared = _prepare_part(name, archive.read(name), content_type, folder)
            if isinstance(prepared, PreparedPart):
                parts.append(prepared)
            else:
                findings += prepared
    return parts, findings


# ------------------------------------------------------------------ one jing run


def _entry_start(folder: Path, entry: str) -> tuple[list[str], str]:
    """The grammars an entry grammar includes and the pattern it starts with. Entry grammars are
    only includes and a start, which is what lets several of them be combined into one."""
    file = folder / f"{entry}.rnc"
    if not file.is_file():
        raise GrammarError(f"{file} is missing: the grammar folder is incomplete")
    text = file.read_text(encoding="utf-8")
    includes = re.findall(r'^include "([^"]+)"\s*$', text, re.MULTILINE)
    start = re.search(r"^start = ([\w.-]+)\s*$", text, re.MULTILINE)
    rest = re.sub(r'^(include "[^"]+"|start = [\w.-]+|#.*)?\s*$', "", text, flags=re.MULTILINE).strip()
    if start is None or rest:
        raise GrammarError(f"{file} defines patterns of its own and cannot be combined with other entry grammars")
    return includes, start.group(1)


def combined_grammar(folder: Path, grammars: set[Grammar], target: Path) -> Path:
    """Write one grammar whose start is any of the entry grammars' starts."""
    includes: list[str] = []
    starts: list[str] = []
    for grammar in sorted(grammars, key=lambda g: g.entry):
        if grammar.entry.startswith("opc:"):
            includes.append(OPC_GRAMMAR.as_uri())
            starts.append(grammar.entry.removeprefix("opc:"))
            continue
        names, start = _entry_start(folder, grammar.entry)
        includes += [(folder / name).resolve().as_uri() for name in names]
        starts.append(start)
    lines = [f'include "{uri}"' for uri in dict.fromkeys(includes)]
    lines.append("start = " + " | ".join(dict.fromkeys(starts)))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _system_path(reported: str) -> Path:
    return Path(reported.removeprefix("file:")).resolve()


def run_jing(jing: str, grammar: Path, parts: list[PreparedPart]) -> list[tuple[PreparedPart, Finding]]:
    """Validate every prepared part with one Java start; each error becomes a finding on its part."""
    by_file = {part.file.resolve(): part for part in parts}
    command = [jing, "-c", str(grammar), *(str(part.file) for part in parts)]
    # A run this short starts faster with the quick compiler only and the simplest collector (about half the time).
    options = f"{os.environ.get('JAVA_TOOL_OPTIONS', '')} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC".strip()
    environment = {**os.environ, "JAVA_TOOL_OPTIONS": options}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=environment)
    errors: dict[Path, list[tuple[int, str]]] = {}
    # Java echoes the options, and the Debian wrapper warns about optional jars it lacks: noise, not results.
    noise = ("[warning] ", "Picked up JAVA_TOOL_OPTIONS")
    unexplained = [line for line in done.stderr.splitlines() if line.strip() and not line.startswith(noise)]
    for line in done.stdout.splitlines():
        match = JING_LINE.match(line)
        file = _system_path(match["file"]) if match else None
        if file not in by_file:
            unexplained.append(line)
            continue
        errors.setdefault(file, []).append((int(match["line"]), match["message"]))
    if unexplained or (done.returncode != 0 and not errors):
        raise GrammarError(f"jing failed (exit {done.returncode}):\n" + "\n".join(unexplained))
    found: list[tuple[PreparedPart, Finding]] = []
    for file, reported in errors.items():
        part = by_file[file]
        where = part.element_paths({number for number, _ in reported})
        found += [(part, Finding(part.name, number, message, where.get(number, ""))) for number, message in reported]
    return found


def validate_packages(paths: Sequence[Path], grammars: Path, jing: str = "jing") -> dict[Path, list[Finding]]:
    """Findings for each .xlsx/.docx in `paths` (empty: valid), with one Java start for them all."""
    results: dict[Path, list[Finding]] = {Path(p): [] for p in paths}
    with tempfile.TemporaryDirectory(prefix="ooxml-schema-") as temporary:
        folder = Path(temporary)
        prepared: list[PreparedPart] = []
        owner: dict[Path, Path] = {}
        for index, path in enumerate(results):
            parts, findings = prepare_package(path, folder / str(index))
            results[path] += findings
            prepared += parts
            owner.update({part.file: path for part in parts})
        if prepared:
            grammar = combined_grammar(grammars, {part.grammar for part in prepared}, folder / "combined.rnc")
            for part, finding in run_jing(jing, grammar, prepared):
                results[owner[part.file]].append(finding)
    return {path: sorted(findings, key=lambda f: (f.part, f.line)) for path, findings in results.items()}
