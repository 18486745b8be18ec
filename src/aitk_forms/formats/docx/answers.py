"""One control's answer decoded from Word's markup: a choice id, text, a date or a number as typed (validate checks it)."""

from __future__ import annotations

import datetime

from lxml import etree

from ...model import Question
from ...problems import Problem, problem
from ...validate import check_value
from . import sdt

PLACEHOLDER_KEYS = ("choose_answer", "type_answer", "choose_date", "type_number")
# Invisible; a program may write the soft hyphen that leads our placeholders as a character.
SOFT_HYPHEN = "\u00ad"


def decode_answer(question: Question, control: etree._Element, placeholders: frozenset[str], problems: list[Problem]):
    """The answer in `control` as the form holds it, or None when unanswered."""
    text = sdt.text_of(control).replace(SOFT_HYPHEN, "").strip()
    if not text or text in placeholders:
        return None
    if sdt.showing_placeholder(control):
        # Writer 7.4 keeps the "showing placeholder" flag on a control after an answer is typed
        # into it, so the flag alone does not mean unanswered. Text that is no valid answer under
        # the flag is taken for a placeholder this content no longer has, not reported.
        value = _decode(question, control, text, [])
        _, fault = check_value(question, value)
        return value if fault is None else None
    return _decode(question, control, text, problems)


def _decode(question: Question, control: etree._Element, text: str, problems: list[Problem]):
    if question.has_choices:
        return _choice(question, control, text, problems)
    if question.kind == "date":
        return _date(control, text)
    return text


def _choice(question: Question, control: etree._Element, text: str, problems: list[Problem]) -> str | None:
    """The chosen item's value: the list item whose label is shown, else Word's `w:lastValue`."""
    items = sdt.list_items(control)
    values = {value for _, value in items}
    if {c.id for c in question.choices} - values:
        problems.append(problem("list_changed", question.id))
    chosen = next((value for label, value in items if label.strip() == text), None)
    if chosen is None:
        chosen = next((value for _, value in items if value == text), None)
    if chosen is None:
        listing = control.find(f"{sdt.w('sdtPr')}/{sdt.w('dropDownList')}")
        chosen = listing.get(sdt.w("lastValue")) if listing is not None else None
    if chosen == "":
        return None
    return text if chosen is None else chosen


def _date(control: etree._Element, text: str) -> str:
    """The date typed or picked, as ISO `YYYY-MM-DD`: the shown text first, then `w:fullDate`; else the text."""
    for candidate in (text, (sdt.full_date(control) or "")[:10]):
        try:
            return datetime.date.fromisoformat(candidate).isoformat()
        except ValueError:
            continue
    return text
