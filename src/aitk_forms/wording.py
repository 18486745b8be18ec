"""Wording shared by every output: question numbers and the instruction of a conditional question."""

from __future__ import annotations

from babel.lists import format_list

from .model import Content, Form, Question


def question_numbers(form: Form) -> dict[str, str]:
    """The number each output prints: 2.3 for the third question of the second section."""
    return {q.id: f"{s}.{n}" for s, section in enumerate(form.sections, 1) for n, q in enumerate(section.questions, 1)}


def condition_instruction(content: Content, form: Form, q: Question, lang: str, numbers: dict[str, str]) -> str | None:
    """ "Answer only if your answer to question 1.8 was: Yes or Don't know." in `lang`, or None.

    The answers are joined as the language joins alternatives (Babel's list patterns)."""
    if q.show_if is None:
        return None
    other = form.question(q.show_if.question)
    labels = [c.label.get(lang) for c in other.choices if c.id in q.show_if.values] if other else list(q.show_if.values)
    try:
        answers = format_list(labels, style="or", locale=lang.replace("-", "_"))
    except (ValueError, LookupError):  # a language Babel does not know: the content's own word for "or"
        answers = f" {content.text('or_word', lang)} ".join(labels)
    return content.text("show_if_instruction", lang).format(number=numbers.get(q.show_if.question, "?"), answers=answers)


def colon(lang: str) -> str:
    """What follows a label before its value: full-width in Chinese, spaced in French."""
    base = lang.split("-")[0]
    return {"zh": "：", "fr": "\u00a0: "}.get(base, ": ")
