"""Personalised forms: which forms each respondent gets, the unit written into each one's identity, the unit's
questions pre-filled, and the files themselves, built in the respondent's language."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .. import build as builder
from ..formats import CODECS, RenderOptions
from ..importer import unit_of
from ..model import Content, Form
from ..store.records import unit_key
from .respondents import Respondent

# The respondents-file column that pre-fills a unit question, by question id; the first unit question (the agency)
# takes `unit` when no column fills it, and a column named after a question id (an extra column) fills that question.
COLUMN_OF_QUESTION = {"use_case_name": "use_case", "system_name": "use_case"}
MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_NAME_CHARS = 120


@dataclass(frozen=True)
class PlannedForm:
    """One personalised form: its unit as the identity holds it and the unit's answers written into it."""

    form: Form
    unit: str
    prefill: dict[str, str]

    @property
    def key(self) -> tuple[str, str]:
        return self.form.id, unit_key(self.unit)


def unit_answers(form: Form, respondent: Respondent) -> dict[str, str]:
    """The answers to the form's unit questions that the respondents file gives."""
    answers = {}
    for position, question in enumerate(form.unit):
        column = COLUMN_OF_QUESTION.get(question)
        value = respondent.column(question) or (getattr(respondent, column) if column else "")
        if not value and position == 0:
            value = respondent.unit
        if value:
            answers[question] = value
    return answers


def plan_forms(
    content: Content, form_ids: list[str], respondents: list[Respondent]
) -> tuple[dict[str, list[PlannedForm]], list[str]]:
    """For each respondent (by key) the forms their message carries, and notes on forms that go with another row.

    A form is sent once per unit in its identity: a readiness form, which concerns a unit, goes with the first row
    of that unit; a risk form, which concerns one AI use case, goes with each row naming a use case."""
    planned: dict[str, list[PlannedForm]] = {}
    first: dict[tuple[str, str], Respondent] = {}
    notes = []
    for respondent in respondents:
        mine = []
        for form_id in form_ids:
            form = content.form(form_id)
            answers = unit_answers(form, respondent)
            item = PlannedForm(form, unit_of(form, answers) or respondent.unit, answers)
            earlier = first.setdefault(item.key, respondent)
            if earlier is respondent:
                mine.append(item)
            else:
                notes.append(f"row {respondent.row}: the {form_id} form of '{item.unit}' goes with row {earlier.row}'s message")
        planned[respondent.key] = mine
    return planned, notes


def attachment_name(form: Form, lang: str, unit: str, suffix: str) -> str:
    """A file name a respondent recognises, in their language: "<form title> - <unit>.xlsx"."""
    return f"{safe_stem(f'{form.title.get(lang)} - {unit}') or form.id}{suffix}"


def safe_stem(text: str) -> str:
    """`text` as a file name (without suffix) that every system and mail program takes: no path separators,
    reserved or control characters, no leading or trailing dots, at most MAX_NAME_CHARS characters."""
    stem = " ".join(UNSAFE_IN_NAMES.sub(" ", unicodedata.normalize("NFC", text)).split()).strip(". ")
    return stem[:MAX_NAME_CHARS].rstrip(". ")


def build_form(content: Content, item: PlannedForm, lang: str, format_name: str, round_label: str) -> tuple[str, bytes, str]:
    """(file name, bytes, MIME type) of one personalised form: round and unit in its identity, unit questions filled."""
    codec = CODECS[format_name]
    options = RenderOptions(round=round_label, unit=item.unit)
    with tempfile.TemporaryDirectory(prefix="aitk-campaign-") as work:
        rendered = Path(work) / f"form{codec.suffix}"
        builder.run_job(content, builder.Job(lang, format_name, item.form.id, rendered), options)
        final = rendered
        if item.prefill:
            final = Path(work) / f"filled{codec.suffix}"
            codec.fill(content, item.form, lang, rendered, final, item.prefill)
        data = final.read_bytes()
    name = attachment_name(item.form, lang, item.unit, codec.suffix)
    return name, data, MIME_TYPES.get(codec.suffix, "application/octet-stream")
