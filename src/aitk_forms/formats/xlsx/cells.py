"""Where each question lives on the questions sheet: shared by the sheet writer and the formula writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...model import Form, Question
from .lists import Lists
from .style import absolute


@dataclass
class QuestionCells:
    """Where one question lives on the questions sheet."""

    question: Question
    number: str
    row: int
    choice_rows: dict[str, int] = field(default_factory=dict)  # multi-choice: choice id -> row

    @property
    def last_row(self) -> int:
        return max([self.row, *self.choice_rows.values()])


@dataclass
class QuestionSheet:
    name: str
    lists: Lists
    form: Form
    cells: dict[str, QuestionCells] = field(default_factory=dict)

    def ref(self, column: str, qid: str) -> str:
        return absolute(self.name, column, self.cells[qid].row)
