"""One outline of a form as every renderer lays it out: its parts in order, numbered, each with the group
(core principle) it opens, and each question's number. Word, the fillable PDF, the printed pack and Excel
all render from it, so a group opens in the same place and a question has the same number everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Form, Group, Section
from .wording import question_numbers


@dataclass(frozen=True)
class Part:
    number: int  # 1-based, as the questions under it are numbered (2.1, 2.2)
    section: Section
    opens: Group | None  # the group whose first part this is; None inside a group or outside any
    level: int  # heading level of the part: 2 at the top, 3 inside a group


@dataclass(frozen=True)
class Outline:
    form: Form
    parts: tuple[Part, ...]
    numbers: dict[str, str]  # question id -> its printed number


def outline(form: Form) -> Outline:
    """A part opens its group when the part before it belongs to another group or to none."""
    parts, previous = [], None
    for number, section in enumerate(form.sections, 1):
        group = form.group(section.group) if section.group else None
        opens = group if group is not None and section.group != previous else None
        parts.append(Part(number, section, opens, 3 if group is not None else 2))
        previous = section.group
    return Outline(form, tuple(parts), question_numbers(form))
