"""Check a Response's answers against its form, whatever format they were read from."""

from __future__ import annotations

import datetime as dt
import math
import re

from .model import Form, Question
from .responses import Problem
from .scoring import Answers, is_answered, visible_questions

MAX_TEXT_CHARS = 100_000
# Characters no report format can hold (XML 1.0 forbids them) and a terminal may act on: control characters
# other than tab and line breaks, and lone surrogates, which cannot be written as UTF-8.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def check_answers(form: Form, answers: Answers) -> tuple[dict, list[Problem]]:
    """The answers that are valid for `form`, and a problem for each one that is not."""
    clean: dict = {}
    problems: list[Problem] = []
    for qid, value in answers.items():
        question = form.question(qid)
        if question is None:
            problems.append(Problem(qid, "not a question of this form; the answer was set aside"))
            continue
        valid, problem = _check_value(question, value)
        if problem:
            problems.append(Problem(qid, problem))
        if valid is not None:
            clean[qid] = valid
    shown = visible_questions(form, clean)
    for q in form.questions():
        if q.id in clean and q.id not in shown:
            problems.append(Problem(q.id, "answered although it does not apply (its condition is not met); not scored"))
        elif q.required and q.id in shown and not _given(q, clean.get(q.id)):
            problems.append(Problem(q.id, "required question not answered"))
    return clean, problems


def _given(q: Question, answer: object) -> bool:
    """A required question is given an answer by "Don't know" too: an honest answer, and a finding
    reported on its own, though it is not scored."""
    return answer == "dont_know" or is_answered(q, answer)


def _check_value(q: Question, value: object) -> tuple[object | None, str | None]:
    if q.kind == "multi_choice":
        ids = value if isinstance(value, list) else [value]
        known = [v for v in ids if isinstance(v, str) and q.choice(v) is not None]
        unknown = [str(v) for v in ids if v not in known]
        return (known or None), (f"not among the choices: {', '.join(unknown)}" if unknown else None)
    if q.has_choices:
        if isinstance(value, str) and q.choice(value) is not None:
            return value, None
        return None, f"'{_short(value)}' is not one of the choices"
    if q.kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).isoformat(), None
        except ValueError:
            return None, f"'{_short(value)}' is not a date (YYYY-MM-DD)"
    if q.kind == "number":
        return _check_number(q, value)
    text = str(value)
    if len(text) > MAX_TEXT_CHARS:
        return None, f"the answer has {len(text)} characters, more than the limit of {MAX_TEXT_CHARS}; it was set aside"
    if UNSAFE_CHARACTERS.search(text):
        return UNSAFE_CHARACTERS.sub("", text), "control characters in the answer were removed"
    return text, None


def _check_number(q: Question, value: object) -> tuple[object | None, str | None]:
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        return None, f"'{_short(value)}' is not a number"
    if not math.isfinite(number):
        return None, f"'{_short(value)}' is not a number"
    if (q.minimum is not None and number < q.minimum) or (q.maximum is not None and number > q.maximum):
        return None, f"{number:g} is outside the allowed range"
    return (int(number) if number.is_integer() else number), None


def _short(value: object) -> str:
    text = UNSAFE_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", str(value)[:100])
    return text if len(text) <= 60 else text[:57] + "..."
