"""Read a filled PDF form back: identity from the information dictionary, answers from the fields
named by question id (never from the page layout or the translated labels), and the problems found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pikepdf

from ..errors import UnreadableFile
from ..model import Content, Form, Question
from ..responses import IDENTITY_KEYS, Identity, Problem, Response, resolve_identity
from ..sniff import MAX_PDF_FIELDS, printable
from .pdf_fields import META_PREFIX

MESSAGES = {
    "damaged": "the PDF file is damaged ({error}): ask the sender to send it again",
    "encrypted": "the PDF is protected by a password: ask the sender to remove the password and send it again",
    "loops": "the PDF's structure loops or nests too deeply to be read: it is damaged, or not one of our forms",
    "too_many_fields": "the PDF has more than {limit} form fields: not a form made by aitk-forms",
    "not_ours": "not a form made by aitk-forms (the PDF carries no form identifier): send the respondent a form from the build",
    "missing_field": "the answer field is missing from the PDF: the question could not be read",
    "not_option": "'{value}' is not one of the answers offered",
    "bad_date": "'{value}' is not a date written as YYYY-MM-DD",
    "bad_number": "'{value}' is not a number",
    "out_of_range": "{value} is outside the allowed range {low} to {high}",
}
OFF = {"", "Off", "/Off"}
# What qpdf (through pikepdf) raises on a damaged file; a hostile object graph gets as far as a wrong type.
DAMAGE = (pikepdf.PdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError)
MAX_FIELD_DEPTH = 16


class _Loop(Exception):
    """The field tree loops or nests deeper than any form of ours."""


def read_pdf(path: Path, content: Content) -> Response:
    try:
        return _read(path, content)
    except (_Loop, RecursionError):
        raise UnreadableFile(MESSAGES["loops"]) from None
    except pikepdf.PasswordError:
        raise UnreadableFile(MESSAGES["encrypted"]) from None
    except DAMAGE as error:
        raise UnreadableFile(MESSAGES["damaged"].format(error=_why(error))) from None


def _read(path: Path, content: Content) -> Response:
    # qpdf parses in C++: a tenth of the time pypdf took, which made PDFs the slowest part of an import.
    with pikepdf.open(path) as pdf:
        try:
            identity, form, problems = _identity(pdf.docinfo, content)
        except UnreadableFile:
            if pdf.get_warnings():  # qpdf had to repair the file, and what it found is not a form of ours
                raise UnreadableFile(MESSAGES["damaged"].format(error=printable(pdf.get_warnings()[0]))) from None
            raise
        acroform = pdf.Root.get("/AcroForm")
        top = list(acroform.get("/Fields", [])) if isinstance(acroform, pikepdf.Dictionary) else []
        if len(top) > MAX_PDF_FIELDS:
            raise UnreadableFile(MESSAGES["too_many_fields"].format(limit=MAX_PDF_FIELDS))
        fields = _terminal_fields(top)
    answers: dict = {}
    for q in form.questions():
        value = _answer(q, fields, problems)
        if value is not None:
            answers[q.id] = value
    return Response(identity, answers, tuple(problems), "pdf", str(path))


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


def _identity(info: pikepdf.Dictionary, content: Content) -> tuple[Identity, Form, list[Problem]]:
    meta = {key: str(info.get(f"{META_PREFIX}{key}", "") or "") for key in IDENTITY_KEYS}
    if not any(meta.values()):
        raise UnreadableFile(MESSAGES["not_ours"])
    return resolve_identity(meta, content)


def _answer(q: Question, fields: dict, problems: list[Problem]) -> object | None:
    if q.kind == "multi_choice":
        return _multi(q, fields, problems)
    if q.id not in fields:
        problems.append(Problem(q.id, MESSAGES["missing_field"], "error"))
        return None
    field = fields[q.id]
    if q.has_choices:
        return _choice(q, _state(field), problems)
    text = _text(field.get("/V"))
    if not text:
        return None
    if q.kind == "date":
        return _date(q, text, problems)
    if q.kind == "number":
        return _number(q, text, problems)
    return text


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


def _choice(q: Question, value: str, problems: list[Problem]) -> str | None:
    if not value:
        return None
    if q.choice(value) is None:
        problems.append(Problem(q.id, MESSAGES["not_option"].format(value=value)))
        return None
    return value


def _multi(q: Question, fields: dict, problems: list[Problem]) -> list[str] | None:
    chosen = []
    for choice in q.choices:
        name = f"{q.id}__{choice.id}"
        if name not in fields:
            problems.append(Problem(q.id, MESSAGES["missing_field"], "error"))
            return None
        if _state(fields[name]) not in OFF:
            chosen.append(choice.id)
    return chosen or None


def _date(q: Question, text: str, problems: list[Problem]) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(Problem(q.id, MESSAGES["bad_date"].format(value=text)))
        return None


def _number(q: Question, text: str, problems: list[Problem]) -> int | float | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma, as most of our languages write it
    try:
        value = float(cleaned)
    except ValueError:
        problems.append(Problem(q.id, MESSAGES["bad_number"].format(value=text)))
        return None
    low = q.minimum if q.minimum is not None else float("-inf")
    high = q.maximum if q.maximum is not None else float("inf")
    if not low <= value <= high or value != value:
        allowed = {"low": _plain_number(low), "high": _plain_number(high)}
        problems.append(Problem(q.id, MESSAGES["out_of_range"].format(value=text, **allowed)))
        return None
    return int(value) if value.is_integer() else value


def _plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
