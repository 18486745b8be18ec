"""The hidden option-list sheet: drop-down labels, their scores, and every text a formula shows.

Formulas point at these cells instead of quoting labels, so no formula holds a translated string
(Excel refuses string literals over 255 characters) and a drop-down never needs a literal list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook

from ...model import Content, Form, Question
from .style import Styles, absolute, protect, quoted

LISTS_SHEET = "_lists"
YES_LIST = "aitk_yes_list"  # the one-item drop-down of each multi-choice cell
# Fixed texts that formulas display; each is a cell on the lists sheet.
FORMULA_TEXTS = (
    "yes",
    "not_applicable",
    "progress",
    "none_missing",
    "missing_required",
    "provisional_questions",
    "provisional_results",
    "provisional_conditions",
    "not_enough_knowledge",
    "until_resolved",
)
HEADERS = ("label", "value", "scored", "answers", "choice", "question")


@dataclass
class OptionList:
    """Where one question's choices sit on the lists sheet."""

    name: str  # the defined name used by the drop-down
    first: int
    last: int
    label_rows: dict[str, int] = field(default_factory=dict)  # choice id -> row

    def column(self, letter: str) -> str:
        return f"{quoted(LISTS_SHEET)}!${letter}${self.first}:${letter}${self.last}"

    @property
    def labels(self) -> str:
        return self.column("A")

    @property
    def values(self) -> str:
        return self.column("B")

    @property
    def scored(self) -> str:
        return self.column("C")

    @property
    def answers(self) -> str:
        return self.column("D")

    def label(self, choice_id: str) -> str:
        return absolute(LISTS_SHEET, "A", self.label_rows[choice_id])


@dataclass
class Lists:
    texts: dict[str, str] = field(default_factory=dict)  # ui key -> absolute cell
    options: dict[str, OptionList] = field(default_factory=dict)  # question id -> its list
    levels: dict[tuple[str, str], str] = field(default_factory=dict)  # (level set, level id) -> label cell

    def text(self, key: str) -> str:
        return self.texts[key]


def add_lists_sheet(wb: Workbook, content: Content, form: Form, lang: str, styles: Styles) -> Lists:
    """Write the hidden lists sheet and the defined names of the drop-downs."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    ws.append(HEADERS)
    lists = Lists()
    for key in FORMULA_TEXTS:
        ws.append([content.text(key, lang), None, None, None, key])
        lists.texts[key] = absolute(LISTS_SHEET, "A", ws.max_row)
    wb.defined_names[YES_LIST] = DefinedName(YES_LIST, attr_text=lists.texts["yes"])
    for q in form.questions():
        if q.has_choices and q.kind != "multi_choice":
            lists.options[q.id] = _option_rows(ws, q, lang)
            name = lists.options[q.id].name
            wb.defined_names[name] = DefinedName(name, attr_text=lists.options[q.id].labels)
    for set_name, levels in form.levels:
        for level in levels:
            ws.append([level.label.get(lang), level.minimum, None, None, level.id, set_name])
            lists.levels[(set_name, level.id)] = absolute(LISTS_SHEET, "A", ws.max_row)
    ws.column_dimensions["A"].width = 40
    protect(ws)
    return lists


def _option_rows(ws, q: Question, lang: str) -> OptionList:
    first = ws.max_row + 1
    rows = {}
    for choice in q.choices:
        scored = choice.value is not None
        # A "Don't know" has no value and does not count as an answer (scoring.is_answered).
        ws.append(
            [choice.label.get(lang), choice.value if scored else 0, int(scored), int(choice.id != "dont_know"), choice.id, q.id]
        )
        rows[choice.id] = ws.max_row
    return OptionList(f"opts_{q.id}", first, ws.max_row, rows)
