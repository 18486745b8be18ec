"""Read a filled PDF form back: identity from the information dictionary, answers from the fields
named by question id (never from the page layout or the translated labels), and the problems found."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError, PdfReadError, PdfStreamError

from ..errors import UnreadableFile
from ..model import Content, Form, Question
from ..responses import IDENTITY_KEYS, Identity, Problem, Response
from ..sniff import MAX_PDF_FIELDS, printable
from .pdf_fields import META_PREFIX

MESSAGES = {
    "damaged": "the PDF file is damaged ({error}): ask the sender to send it again",
    "encrypted": "the PDF is protected by a password: ask the sender to remove the password and send it again",
    "loops": "the PDF's structure loops or nests too deeply to be read: it is damaged, or not one of our forms",
    "too_many_fields": "the PDF has more than {limit} form fields: not a form made by aitk-forms",
    "not_ours": "not a form made by aitk-forms (the PDF carries no form identifier): send the respondent a form from the build",
    "meta_incomplete": "the PDF's form identifier is incomplete (missing {keys}): send the respondent a new form",
    "unknown_form": "made for an unknown form '{form}' (this content has {known})",
    "unknown_lang": "made in an unknown language '{lang}'",
    "version": "made from content version {found}; this build's form is version {expected}",
    "fingerprint": "the form's structure ({found}) differs from this build's ({expected}): questions or choices were changed",
    "missing_field": "the answer field is missing from the PDF: the question could not be read",
    "not_option": "'{value}' is not one of the answers offered",
    "bad_date": "'{value}' is not a date written as YYYY-MM-DD",
    "bad_number": "'{value}' is not a number",
    "out_of_range": "{value} is outside the allowed range {low} to {high}",
}
OFF = {"", "Off", "/Off"}
# What pypdf raises on a damaged file; a hostile object graph gets as far as a wrong type.
DAMAGE = (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError)


def read_pdf(path: Path, content: Content) -> Response:
    try:
        return _read(path, content)
    except (LimitReachedError, RecursionError):
        raise UnreadableFile(MESSAGES["loops"]) from None
    except DAMAGE as error:
        raise UnreadableFile(MESSAGES["damaged"].format(error=_why(error))) from None


def _read(path: Path, content: Content) -> Response:
    reader = _open(path)
    identity, form, problems = _identity(reader, content)
    root = reader.trailer["/Root"]
    top = root.get("/AcroForm", {}).get("/Fields", []) if isinstance(root, dict) else []
    if len(top) > MAX_PDF_FIELDS:
        raise UnreadableFile(MESSAGES["too_many_fields"].format(limit=MAX_PDF_FIELDS))
    fields = reader.get_fields() or {}
    if len(fields) > MAX_PDF_FIELDS:
        raise UnreadableFile(MESSAGES["too_many_fields"].format(limit=MAX_PDF_FIELDS))
    answers: dict = {}
    for q in form.questions():
        value = _answer(q, fields, problems)
        if value is not None:
            answers[q.id] = value
    return Response(identity, answers, tuple(problems), "pdf", str(path))


def _open(path: Path) -> PdfReader:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile(MESSAGES["encrypted"])
        reader.metadata  # noqa: B018 - touching the trailer finds most damage before any answer is read
    except (FileNotDecryptedError, NotImplementedError, DependencyError):
        raise UnreadableFile(MESSAGES["encrypted"]) from None
    return reader


def _why(error: BaseException) -> str:
    return printable(str(error)) if isinstance(error, PdfReadError | PdfStreamError) and str(error) else type(error).__name__


def _identity(reader: PdfReader, content: Content) -> tuple[Identity, Form, list[Problem]]:
    info = reader.metadata or {}
    meta = {key: str(info.get(f"{META_PREFIX}{key}", "") or "") for key in IDENTITY_KEYS}
    if not any(meta.values()):
        raise UnreadableFile(MESSAGES["not_ours"])
    lacking = [key for key, value in meta.items() if not value]
    if lacking:
        raise UnreadableFile(MESSAGES["meta_incomplete"].format(keys=", ".join(lacking)))
    form = content.form(meta["form"])
    if form is None:
        raise UnreadableFile(MESSAGES["unknown_form"].format(form=meta["form"], known=", ".join(f.id for f in content.forms)))
    if meta["lang"] not in content.languages:
        raise UnreadableFile(MESSAGES["unknown_lang"].format(lang=meta["lang"]))
    problems = []
    if meta["version"] != form.version:
        problems.append(Problem(None, MESSAGES["version"].format(found=meta["version"], expected=form.version)))
    if meta["fingerprint"] != form.fingerprint:
        problems.append(
            Problem(None, MESSAGES["fingerprint"].format(found=meta["fingerprint"], expected=form.fingerprint), "error")
        )
    return Identity(**meta), form, problems


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
        for kid in field.get("/Kids", []):
            widget = kid.get_object()
            state = str(widget.get("/AS", "")) if isinstance(widget, dict) else ""
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
        problems.append(Problem(q.id, MESSAGES["out_of_range"].format(value=text, low=_plain(low), high=_plain(high))))
        return None
    return int(value) if value.is_integer() else value


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
