"""Read a filled Word form back into a Response, whichever program saved it.

Controls are found by their `w:tag` or, where Writer dropped it, by the enclosing bookmark
`ans_<question id>` (shortened to Word's 40 characters: sdt.bookmark_name). Only zipfile and
lxml: reading a thousand files must take seconds."""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from ...archives import check_zip_limits, xml_damage, zip_damage
from ...errors import UnreadableFile
from ...identity import decide
from ...limits import MAX_PART_BYTES
from ...model import Content, Form
from ...problems import Problem, problem
from ..codec import Probe, RawReturn
from ..saved import ooxml_saved_at
from . import sdt
from .answers import PLACEHOLDER_KEYS, decode_answer
from .properties import CUSTOM_PART, read_custom_properties

DOCUMENT_PART = "word/document.xml"
# What a damaged archive raises while a part is decompressed: a bad checksum, bad deflate data, a part cut short.
ZIP_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError)
# Entities are never expanded and nothing is fetched: a returned file is untrusted input.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)


def read(path: Path | str, content: Content) -> RawReturn:
    """The identity decision, raw answers by question id and the format's problems of a filled form."""
    path = Path(path)
    document, properties, saved_at = _parts(path)
    decision = decide(properties, content)
    problems: list[Problem] = []
    controls = answer_controls(document, control_names(decision.form))
    answers = _answers(decision.form, controls, _placeholders(content), problems)
    return RawReturn(decision, answers, tuple(problems), saved_at)


def sniff(probe: Probe) -> bool:
    return "word/document.xml" in probe.zip_names


def _parts(path: Path) -> tuple[etree._Element, dict[str, str], str | None]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UnreadableFile(f"{path}: not a Word document (.docx) that can be opened ({type(error).__name__})") from None
    with archive:
        check_zip_limits(archive.infolist())
        document = _parse(archive, DOCUMENT_PART, path)
        custom = _parse(archive, CUSTOM_PART, path, required=False)
        saved_at = ooxml_saved_at(archive)
    return document, read_custom_properties(custom) if custom is not None else {}, saved_at


def _parse(archive: zipfile.ZipFile, name: str, path: Path, required: bool = True) -> etree._Element | None:
    """A part parsed without entities, DTDs or network; UnreadableFile for any damage."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if required:
            raise UnreadableFile(f"{path}: not a Word document, or a damaged one (it has no {name})") from None
        return None
    if info.file_size > MAX_PART_BYTES:
        raise UnreadableFile(f"{path}: {name} is too large to be one of our forms")
    try:
        tree = etree.fromstring(archive.read(info), SAFE_PARSER).getroottree()
    except ZIP_DAMAGE as error:
        raise UnreadableFile(f"{path}: the file is damaged ({name} cannot be read: {zip_damage(error)})") from None
    except etree.XMLSyntaxError as error:
        if "unknown error" in str(error):  # libxml2's report of an allocation the memory limit refused
            raise UnreadableFile(f"{path}: {name} could not be read within the memory limit: not one of our forms") from None
        raise UnreadableFile(f"{path}: the file is damaged ({name} is not well-formed XML: {xml_damage(error)})") from None
    if tree.docinfo.doctype:  # the Open Packaging Conventions make a DTD an error (ECMA-376-2, M1.18)
        raise UnreadableFile(f"{path}: {name} declares a document type (DTD), which Office files must not have: refused")
    return tree.getroot()


def control_names(form: Form) -> list[str]:
    """The name of every answer control of `form`: `ans_<question id>`, and for a multi-choice
    question one `ans_<question id>__<choice id>` per check box."""
    names = []
    for question in form.questions():
        if question.kind == "multi_choice":
            names += [f"ans_{question.id}__{choice.id}" for choice in question.choices]
        else:
            names.append(f"ans_{question.id}")
    return names


def bookmark_aliases(names: Iterable[str]) -> dict[str, str]:
    """Control names by the bookmark names a saved copy may hold for them: the shortened name we
    write, and, for forms made before names were shortened, the first 40 characters that Writer
    keeps of a longer name (where no other name of the form starts with the same 40)."""
    aliases: dict[str, str] = {}
    cut: dict[str, list[str]] = {}
    for name in names:
        aliases[sdt.bookmark_name(name)] = name
        if len(name) > sdt.BOOKMARK_NAME_LIMIT:
            cut.setdefault(name[: sdt.BOOKMARK_NAME_LIMIT], []).append(name)
    for prefix, full in cut.items():
        if len(full) == 1:
            aliases.setdefault(prefix, full[0])
    return aliases


def answer_controls(document: etree._Element, names: Iterable[str] = ()) -> dict[str, etree._Element]:
    """Each answer control by its name `ans_<question id>[__<choice id>]`: from its tag, else
    from a bookmark inside it (where Writer moves it), else from the bookmark around it.
    `names`, the form's control names (control_names), lets a bookmark that holds a shortened
    name be read under the full one; without them such a control keeps its bookmark's name."""
    aliases = bookmark_aliases(names)
    found: dict[str, etree._Element] = {}
    open_bookmarks: dict[str | None, str] = {}
    for element in document.iter(sdt.w("sdt"), sdt.w("bookmarkStart"), sdt.w("bookmarkEnd")):
        if element.tag == sdt.w("bookmarkStart"):
            name = element.get(sdt.w("name"), "")
            if name.startswith("ans_"):
                open_bookmarks[element.get(sdt.w("id"))] = name
        elif element.tag == sdt.w("bookmarkEnd"):
            open_bookmarks.pop(element.get(sdt.w("id")), None)
        else:
            name = _control_name(element, open_bookmarks)
            if name is not None:
                found.setdefault(aliases.get(name, name), element)
    return found


def _control_name(control: etree._Element, open_bookmarks: dict[str | None, str]) -> str | None:
    if sdt.is_building_block(control):
        return None  # the table of contents, as we or another program wrote it: not an answer
    tag = sdt.tag_of(control)
    if tag:
        return f"ans_{tag}"
    for inner in control.iter(sdt.w("bookmarkStart")):
        name = inner.get(sdt.w("name"), "")
        if name.startswith("ans_"):
            return name
    return next(reversed(open_bookmarks.values()), None)


def _placeholders(content: Content) -> frozenset[str]:
    """Every placeholder text in every language: Writer drops the "showing placeholder" flag,
    so an untouched control reads as its placeholder."""
    return frozenset(content.text(key, lang).strip() for key in PLACEHOLDER_KEYS for lang in content.languages)


def _answers(form: Form, controls: dict[str, etree._Element], placeholders: frozenset[str], problems: list[Problem]) -> dict:
    answers: dict = {}
    expected: set[str] = set()
    for question in form.questions():
        if question.kind == "multi_choice":
            names = {f"ans_{question.id}__{c.id}": c.id for c in question.choices}
            expected |= names.keys()
            missing = [name for name in names if name not in controls]
            if missing:
                problems.append(problem("missing_control", question.id, control=f"control for '{missing[0][4:]}'"))
            ticked = [choice for name, choice in names.items() if name in controls and sdt.is_checked(controls[name])]
            if ticked:
                answers[question.id] = ticked
            continue
        name = f"ans_{question.id}"
        expected.add(name)
        if name not in controls:
            problems.append(problem("missing_control", question.id, control="control"))
            continue
        value = decode_answer(question, controls[name], placeholders, problems)
        if value is not None:
            answers[question.id] = value
    for name in sorted(controls.keys() - expected):
        problems.append(problem("unknown_control", None, name=name[4:]))
    return answers
