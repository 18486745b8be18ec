"""Check the raw answers a reader found against their form, once, whatever format they were read from."""

from __future__ import annotations

import datetime as dt
import math
import re

from .limits import MAX_TEXT_CHARS
from .model import Form, Question
from .problems import Problem, problem
from .scoring import Answers, is_answered, visible_questions

# Characters no report format can hold (XML 1.0 forbids them) and a terminal may act on: control characters
# other than tab and line breaks, and lone surrogates, which cannot be written as UTF-8.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Spaces people and programs put inside numbers: "1 000", "1 000" (no-break), "1 000" (thin), "1'000".
NUMBER_SPACES = re.compile("[ \u00a0\u202f\u2009']")


def check_answers(form: Form, answers: Answers) -> tuple[dict, list[Problem]]:
    """The answers that are valid for `form`, and a problem for each one that is not, or that is missing."""
    clean, problems = check_values(form, answers)
    return clean, problems + check_presence(form, clean)


def check_values(form: Form, answers: Answers) -> tuple[dict, list[Problem]]:
    """Each answer checked on its own: the valid ones as the model holds them, and the problems."""
    clean: dict = {}
    problems: list[Problem] = []
    for qid, value in answers.items():
        question = form.question(qid)
        if question is None:
            problems.append(problem("not_question", qid))
            continue
        valid, fault = check_value(question, value)
        if fault:
            problems.append(fault)
        if valid is not None:
            clean[qid] = valid
    return clean, problems


def check_presence(form: Form, clean: Answers) -> list[Problem]:
    """Answers to questions their conditions hide, and required questions left empty."""
    problems: list[Problem] = []
    shown = visible_questions(form, clean)
    for q in form.questions():
        if q.id in clean and q.id not in shown:
            problems.append(problem("not_applicable", q.id))
        elif q.required and q.id in shown and not _given(q, clean.get(q.id)):
            problems.append(problem("required", q.id))
    return problems


def _given(q: Question, answer: object) -> bool:
    """A required question is given an answer by "Don't know" too: an honest answer, and a finding
    reported on its own, though it is not scored."""
    return answer == "dont_know" or is_answered(q, answer)


def check_value(q: Question, value: object) -> tuple[object | None, Problem | None]:
    """The answer as the model holds it (choice id, list of ids, ISO date, number, text), or None, and
    the problem with it."""
    if q.kind == "multi_choice":
        ids = value if isinstance(value, list) else [value]
        known = [v for v in ids if isinstance(v, str) and q.choice(v) is not None]
        unknown = [_short(v) for v in ids if v not in known]
        return (known or None), (problem("not_choices", q.id, values=", ".join(unknown)) if unknown else None)
    if q.has_choices:
        if isinstance(value, str) and q.choice(value) is not None:
            return value, None
        return None, problem("not_choice", q.id, value=_short(value))
    if q.kind == "date":
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return None, problem("not_date", q.id, value=_short(value))
    if q.kind == "number":
        return _check_number(q, value)
    text = str(value)
    if len(text) > MAX_TEXT_CHARS:
        return None, problem("too_long", q.id, length=len(text), limit=MAX_TEXT_CHARS)
    if UNSAFE_CHARACTERS.search(text):
        return UNSAFE_CHARACTERS.sub("", text), problem("control_characters", q.id)
    return text, None


def _check_number(q: Question, value: object) -> tuple[object | None, Problem | None]:
    number = _as_number(value)
    if number is None:
        return None, problem("not_number", q.id, value=_short(value))
    if (q.minimum is not None and number < q.minimum) or (q.maximum is not None and number > q.maximum):
        low, high = ("" if b is None else f"{b:g}" for b in (q.minimum, q.maximum))
        return None, problem("out_of_range", q.id, value=_short(value), low=low, high=high)
    return (int(number) if number.is_integer() else number), None


def _as_number(value: object) -> float | None:
    """A number as typed in any of our languages: spaces between thousands, a decimal comma."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = NUMBER_SPACES.sub("", value.strip())
        if "," in value and "." not in value:
            value = value.replace(",", ".")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _short(value: object) -> str:
    text = UNSAFE_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", str(value)[:100])
    return text if len(text) <= 60 else text[:57] + "..."
