"""The words of campaign messages, in the respondent's language: taken from the content's fixed texts
(ui.yaml, translated through the PO files like every other text), so that an agency adapts them after `init`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from babel.dates import format_date

from ..model import Content, Form, Text
from ..wording import colon

BULLET = "•"


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


@dataclass(frozen=True)
class Occasion:
    """What every message of one round says alike: the round, where forms go back, by when, in which formats."""

    round: str
    address: str  # the bare return address
    deadline: dt.date | None
    formats: tuple[str, ...]


def deadline_text(deadline: dt.date, lang: str) -> str:
    """The date as the language writes it in a sentence ("31 mars 2026", "2026年3月31日")."""
    try:
        return format_date(deadline, format="long", locale=lang.replace("-", "_"))
    except (ValueError, LookupError):  # a language Babel does not know
        return deadline.isoformat()


def invitation(content: Content, lang: str, name: str, unit: str, forms: Iterable[Form], occasion: Occasion) -> Letter:
    """The first message of a round: what the forms are for, how to fill them in, by when, where to send them."""
    text = _texts(content, lang, name=name, unit=unit, round=occasion.round, address=occasion.address)
    listed = [f"{BULLET} {form.title.get(lang)}" + (colon(lang) + _flat(form.description.get(lang)) if form.description else "")
              for form in forms]  # fmt: skip
    parts = [text("campaign_greeting"), text("campaign_purpose") + "\n\n" + "\n\n".join(listed)]
    parts += _instructions(content, lang, occasion, text)
    return Letter(text("campaign_subject"), "\n\n".join(parts) + "\n")


def reminder(
    content: Content, lang: str, name: str, unit: str, forms: Iterable[tuple[Form, str | None]], occasion: Occasion
) -> Letter:
    """A reminder naming each form still awaited and, for a return that could not be read, the reason."""
    text = _texts(content, lang, name=name, unit=unit, round=occasion.round, address=occasion.address)
    listed = []
    for form, reason in forms:
        line = f"{BULLET} {form.title.get(lang)}"
        if reason:
            line += colon(lang) + text("reminder_rejected", reason=reason)
        listed.append(line)
    parts = [text("campaign_greeting"), text("reminder_missing") + "\n\n" + "\n".join(listed)]
    parts += _instructions(content, lang, occasion, text)
    return Letter(text("reminder_subject"), "\n\n".join(parts) + "\n")


def _instructions(content: Content, lang: str, occasion: Occasion, text) -> list[str]:
    how = [content.text(f"how_to_fill_{name}", lang) for name in occasion.formats if f"how_to_fill_{name}" in dict(content.ui)]
    space = sentence_space(lang)
    parts = [space.join(_flat(line) for line in [*how, text("campaign_how_to")])]
    returning = [text("campaign_deadline", deadline=deadline_text(occasion.deadline, lang))] if occasion.deadline else []
    parts.append(space.join([*returning, text("campaign_return")]))
    parts.append(text("campaign_closing"))
    return parts


def sentence_space(lang: str) -> str:
    """What goes between two sentences: nothing in Chinese and Japanese, whose full stops carry their own space."""
    return "" if lang.split("-")[0] in ("zh", "ja") else " "


def _texts(content: Content, lang: str, **values: str):
    def text(key: str, **more: str) -> str:
        return _flat(content.text(key, lang)).format(**values, **more)

    return text


def _flat(text: str) -> str:
    """A text as one paragraph: YAML's folded blocks end with a line break that a message body does not want."""
    return " ".join(text.split())


def with_return_address(content: Content, address: str, deadline: dt.date | None) -> Content:
    """The content with the forms' "when you have finished" instruction naming where (and by when) to send them,
    in every language: every renderer prints that instruction, so each format shows the return address."""
    key = "campaign_return_by" if deadline else "campaign_return_to"
    ui = dict(content.ui)
    instruction, addition = ui["return_instruction"], ui[key]
    values = []
    for lang, base in instruction.values:
        added = addition.translation(lang) or addition.source
        when = deadline_text(deadline, lang) if deadline else ""
        values.append((lang, f"{_flat(base)}{sentence_space(lang)}{_flat(added).format(address=address, deadline=when)}"))
    ui["return_instruction"] = Text(instruction.path, tuple(values))
    return dataclasses.replace(content, ui=tuple(ui.items()))
