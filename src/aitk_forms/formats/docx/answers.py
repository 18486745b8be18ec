"""One control's answer, checked against its question: a choice id, text, ISO date or number."""

from __future__ import annotations

import datetime
import re

from lxml import etree

from ...model import Question
from ...responses import Problem
from . import sdt

PLACEHOLDER_KEYS = ("choose_answer", "type_answer", "choose_date", "type_number")
# Spaces people and programs put inside numbers: "1 000", "1 000" (no-break), "1 000" (thin).
NUMBER_SPACES = re.compile("[ \u00a0\u202f\u2009']")
# Invisible; a program may write the soft hyphen that leads our placeholders as a character.
SOFT_HYPHEN = "\u00ad"


def decode_answer(question: Question, control: etree._Element, placeholders: frozenset[str], problems: list[Problem]):
    """The answer in `control`, or None when unanswered or invalid (then a Problem says why)."""
    text = sdt.text_of(control).replace(SOFT_HYPHEN, "").strip()
    if not text or text in placeholders:
        return None
    if sdt.showing_placeholder(control):
        # Writer 7.4 keeps the "showing placeholder" flag on a control after an answer is typed
        # into it, so the flag alone does not mean unanswered. Text that is no valid answer under
        # the flag is taken for a placeholder this content no longer has, not reported.
        found: list[Problem] = []
        value = _decode(question, control, text, found)
        return value if not found else None
    return _decode(question, control, text, problems)


def _decode(question: Question, control: etree._Element, text: str, problems: list[Problem]):
    if question.has_choices:
        return _choice(question, control, text, problems)
    if question.kind == "date":
        return _date(question, control, text, problems)
    if question.kind == "number":
        return _number(question, text, problems)
    return text


def _choice(question: Question, control: etree._Element, text: str, problems: list[Problem]) -> str | None:
    """The chosen item's value: the list item whose label is shown, else Word's `w:lastValue`."""
    items = sdt.list_items(control)
    values = {value for _, value in items}
    if {c.id for c in question.choices} - values:
        problems.append(Problem(question.id, "the list of answers was changed", "error"))
    chosen = next((value for label, value in items if label.strip() == text), None)
    if chosen is None:
        chosen = next((value for _, value in items if value == text), None)
    if chosen is None:
        listing = control.find(f"{sdt.w('sdtPr')}/{sdt.w('dropDownList')}")
        chosen = listing.get(sdt.w("lastValue")) if listing is not None else None
    if chosen == "":
        return None
    if chosen is None or question.choice(chosen) is None:
        problems.append(Problem(question.id, f"'{text}' is not one of the answers to choose from"))
        return None
    return chosen


def _date(question: Question, control: etree._Element, text: str, problems: list[Problem]) -> str | None:
    """The date typed or picked, as ISO `YYYY-MM-DD`: the shown text first, then `w:fullDate`."""
    for candidate in (text, (sdt.full_date(control) or "")[:10]):
        try:
            return datetime.date.fromisoformat(candidate).isoformat()
        except ValueError:
            continue
    problems.append(Problem(question.id, f"'{text}' is not a date (expected year-month-day, for example 2024-03-31)"))
    return None


def _number(question: Question, text: str, problems: list[Problem]) -> int | float | None:
    cleaned = NUMBER_SPACES.sub("", text)
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma, as French, Spanish and Russian write it
    try:
        number = float(cleaned)
    except ValueError:
        problems.append(Problem(question.id, f"'{text}' is not a number"))
        return None
    if number != number or number in (float("inf"), float("-inf")):
        problems.append(Problem(question.id, f"'{text}' is not a number"))
        return None
    low, high = question.minimum, question.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        allowed = f"{'' if low is None else f'{low:g}'} to {'' if high is None else f'{high:g}'}".strip()
        problems.append(Problem(question.id, f"{text} is outside the allowed range ({allowed})"))
        return None
    return int(number) if number.is_integer() else number
