"""Read a filled PDF form back: identity from the information dictionary, answers from the fields
named by question id (never from the page layout or the translated labels), and the problems found."""

from __future__ import annotations

from pathlib import Path

import pikepdf

from ...errors import UnreadableFile, printable
from ...identity import IDENTITY_KEYS, decide
from ...limits import MAX_FIELD_DEPTH, MAX_PDF_FIELDS
from ...model import Content, Question
from ...problems import Problem, problem
from ..codec import Probe, RawReturn
from ..saved import pdf_saved_at
from .fields import META_PREFIX

MESSAGES = {
    "damaged": "the PDF file is damaged ({error}): ask the sender to send it again",
    "encrypted": "the PDF is protected by a password: ask the sender to remove the password and send it again",
    "loops": "the PDF's structure loops or nests too deeply to be read: it is damaged, or not one of our forms",
    "too_many_fields": "the PDF has more than {limit} form fields: not a form made by aitk-forms",
    "not_ours": "not a form made by aitk-forms (the PDF carries no form identifier): send the respondent a form from the build",
}
OFF = {"", "Off", "/Off"}
# What qpdf (through pikepdf) raises on a damaged file; a hostile object graph gets as far as a wrong type.
DAMAGE = (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError)


class _Loop(Exception):
    """The field tree loops or nests deeper than any form of ours."""


def read(path: Path | str, content: Content) -> RawReturn:
    """The identity decision, raw answers by question id and the format's problems of a filled PDF form."""
    try:
        return _read(path, content)
    except (_Loop, RecursionError):
        raise UnreadableFile(MESSAGES["loops"]) from None
    except pikepdf.PasswordError:
        raise UnreadableFile(MESSAGES["encrypted"]) from None
    except DAMAGE as error:
        raise UnreadableFile(MESSAGES["damaged"].format(error=_why(error))) from None


def _read(path: Path, content: Content) -> RawReturn:
    # qpdf parses in C++: a tenth of the time pypdf took, which made PDFs the slowest part of an import.
    with pikepdf.open(path) as pdf:
        try:
            decision = decide(_meta(pdf.docinfo), content)
        except UnreadableFile:
            if pdf.get_warnings():  # qpdf had to repair the file, and what it found is not a form of ours
                raise UnreadableFile(MESSAGES["damaged"].format(error=printable(pdf.get_warnings()[0]))) from None
            raise
        acroform = pdf.Root.get("/AcroForm")
        top = list(acroform.get("/Fields", [])) if isinstance(acroform, pikepdf.Dictionary) else []
        if len(top) > MAX_PDF_FIELDS:
            raise UnreadableFile(MESSAGES["too_many_fields"].format(limit=MAX_PDF_FIELDS))
        fields = _terminal_fields(top)
        saved_at = pdf_saved_at(pdf.docinfo.get("/ModDate"))
    problems: list[Problem] = []
    answers = {q.id: value for q in decision.form.questions() if (value := _answer(q, fields, problems)) is not None}
    return RawReturn(decision, answers, tuple(problems), saved_at)


def sniff(probe: Probe) -> bool:
    return b"%PDF-" in probe.head


def _terminal_fields(top: list) -> dict[str, dict]:
    """Each answer-bearing field by its full name, as {"/V": value, "/Kids": [{"/AS": state}]}, walked
    from the top: a loop or a depth no form of ours has stops the walk."""
    fields: dict[str, dict] = {}
    seen: set[tuple[int, int]] = set()
    stack = [(field, "", 0) for field in reversed(top)]
    while stack:
        field, parent, depth = stack.pop()
        if not isinstance(field, pikepdf.Dictionary):
            continue
        key = field.objgen
        if depth > MAX_FIELD_DEPTH or (key != (0, 0) and key in seen) or (depth == 0 and "/Parent" in field):
            raise _Loop()
        seen.add(key)
        own = str(field["/T"]) if "/T" in field else None
        name = f"{parent}.{own}" if parent and own is not None else (own or parent)
        kids = [k for k in field.get("/Kids", []) if isinstance(k, pikepdf.Dictionary)]
        named = [k for k in kids if "/T" in k]
        if named:  # a branch: its named kids are fields of their own
            stack += [(kid, name, depth + 1) for kid in reversed(named)]
        elif own is not None:
            fields[name] = {"/V": _plain(field.get("/V")), "/Kids": [{"/AS": str(k.get("/AS", ""))} for k in kids]}
        if len(fields) > MAX_PDF_FIELDS:
            raise UnreadableFile(MESSAGES["too_many_fields"].format(limit=MAX_PDF_FIELDS))
    return fields


def _plain(value: object) -> object:
    """A field value as Python: a name as "/name", a string decoded, an array as a list."""
    if value is None:
        return None
    if isinstance(value, pikepdf.Array):
        return [_plain(v) for v in value]
    return str(value)


def _why(error: BaseException) -> str:
    return printable(str(error)) if isinstance(error, pikepdf.PdfError) and str(error) else type(error).__name__


def _meta(info: pikepdf.Dictionary) -> dict[str, str]:
    meta = {key: str(info.get(f"{META_PREFIX}{key}", "") or "") for key in IDENTITY_KEYS}
    if not any(meta.values()):
        raise UnreadableFile(MESSAGES["not_ours"])
    return meta


def _answer(q: Question, fields: dict, problems: list[Problem]) -> object | None:
    if q.kind == "multi_choice":
        return _multi(q, fields, problems)
    if q.id not in fields:
        problems.append(problem("missing_control", q.id, control="field"))
        return None
    field = fields[q.id]
    if q.has_choices:
        return _state(field) or None
    return _text(field.get("/V")) or None


def _state(field: dict) -> str:
    """A button's chosen state without the leading slash; the buttons' own /AS when /V is absent."""
    value = _text(field.get("/V"))
    if value.lstrip("/") in ("", "Off"):
        for widget in field.get("/Kids", []):
            state = widget.get("/AS", "")
            if state.lstrip("/") not in ("", "Off"):
                return state.lstrip("/")
        return ""
    # pypdf writes a radio's value as a string when it fills; a viewer writes a name (/choice).
    return value[1:] if value.startswith("/") else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):  # a list box's several values: not one of our fields
        value = ",".join(str(v) for v in value)
    # Viewers end lines of a multi-line field with a carriage return.
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _multi(q: Question, fields: dict, problems: list[Problem]) -> list[str] | None:
    chosen = []
    for choice in q.choices:
        name = f"{q.id}__{choice.id}"
        if name not in fields:
            problems.append(problem("missing_control", q.id, control="field"))
            return None
        if _state(fields[name]) not in OFF:
            chosen.append(choice.id)
    return chosen or None
