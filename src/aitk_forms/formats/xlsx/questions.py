"""The questions sheet: one row per question with its answer cell, and hidden columns that compute,
per question, whether it is shown (F), answered (G), its score value (H), whether it is a
required question still missing (I) and whether it is answered "Don't know" (J). The results sheet
reads only these columns."""

from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...model import Content, Form, Question
from ...outline import outline
from ...wording import colon, condition_instruction, question_numbers
from ...xlsx_titles import mark_column_titles
from .cells import QuestionCells, QuestionSheet
from .formulas import write_calc_columns
from .lists import YES_LIST, Lists
from .prompts import prompt_text, prompt_title
from .style import (
    GROUP_FILL,
    HEADER_FILL,
    MISSING_FILL,
    NOT_APPLICABLE_FILL,
    SECTION_FILL,
    Styles,
    absolute,
    print_setup,
    protect,
    put,
    text_height,
    unlock_answer,
)

WIDTHS = {"A": 7, "B": 50, "C": 40, "D": 30, "E": 16}
CALC_COLUMNS = ("F", "G", "H", "I", "J")
FIRST_ROW = 4
NUMBER_LIMIT = 1e15  # an unbounded number question still refuses text
DATE_FORMAT = "yyyy-mm-dd"
LAST_DATE_SERIAL = "2958465"  # 9999-12-31


def question_text(content: Content, q: Question, lang: str) -> str:
    """The text of the question cell; read back to spot a question changed in the file."""
    label = q.label.get(lang)
    return f"{label}\n{content.text('required_mark', lang)}" if q.required else label


def add_question_sheet(wb, name: str, content: Content, form: Form, lang: str, styles: Styles, lists: Lists) -> QuestionSheet:
    ws = wb.create_sheet(name)
    _header(ws, content, form, lang, styles)
    sheet = QuestionSheet(name, lists, form)
    shape = outline(form)
    row = FIRST_ROW
    for part in shape.parts:
        section = part.section
        if part.opens is not None:
            row = _banner(ws, row, part.opens.title.get(lang), styles, GROUP_FILL, 12)
        row = _banner(ws, row, f"{part.number}. {section.title.get(lang)}", styles, SECTION_FILL, 11)
        if section.intro:
            row = _banner(ws, row, section.intro.get(lang), styles, None, 10)
        for q in section.questions:
            cells = QuestionCells(q, shape.numbers[q.id], row)
            sheet.cells[q.id] = cells
            row = _question_rows(ws, cells, sheet, content, lang, styles) + 1
    last = row - 1
    validations = _Validations(ws, content, lang)
    for cells in sheet.cells.values():
        write_calc_columns(ws, cells, sheet)
        validations.add(cells)
        _define_names(wb, name, cells)
    _conditional_formats(ws, last)
    for column in CALC_COLUMNS:
        ws.column_dimensions[column].hidden = True
    ws.freeze_panes = f"A{FIRST_ROW}"
    print_setup(ws, f"A1:E{last}", styles, landscape=True, title_rows="3:3")
    protect(ws)
    return sheet


def _header(ws: Worksheet, content: Content, form: Form, lang: str, styles: Styles) -> None:
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.merge_cells("A1:E1")
    put(ws, "A1", form.title.get(lang), styles, size=14, bold=True, wrap=False)
    ws.row_dimensions[1].height = 24
    ws.merge_cells("A2:E2")
    put(
        ws,
        "A2",
        f"{content.text('version_label', lang)} {form.version} · {content.text('language_label', lang)}{colon(lang)}{lang}",
        styles,
        size=9,
        color="595959",
        wrap=False,
    )
    for column, key in zip(
        "ABCDE", ("number_label", "question_label", "help_label", "answer_label", "status_label"), strict=False
    ):
        put(
            ws,
            f"{column}3",
            content.text(key, lang),
            styles,
            bold=True,
            color="FFFFFF",
            fill=HEADER_FILL,
        )
    mark_column_titles(ws, 3)


def _banner(ws: Worksheet, row: int, text: str, styles: Styles, fill, size: float) -> int:
    ws.merge_cells(f"A{row}:E{row}")
    put(ws, f"A{row}", text, styles, size=size, bold=fill is not None, italic=fill is None, fill=fill or None)
    ws.row_dimensions[row].height = text_height([(text, 130)], 18 if fill else 15)
    return row + 1


def _question_rows(ws: Worksheet, cells: QuestionCells, sheet: QuestionSheet, content: Content, lang: str, styles: Styles) -> int:
    """Write the question (and one row per choice of a multi-choice question); return its last row."""
    q, row = cells.question, cells.row
    label = question_text(content, q, lang)
    help_text = _help_text(q, sheet, content, lang)
    put(ws, f"A{row}", cells.number, styles, bold=True)
    put(ws, f"B{row}", label, styles)
    put(ws, f"C{row}", help_text, styles, size=9, color="404040")
    put(
        ws,
        f"E{row}",
        f'=IF(AND(ISNUMBER($F{row}),$F{row}=0),{sheet.lists.text("not_applicable")},"")',
        styles,
        size=9,
        italic=True,
    )
    answer_lines = 4 if q.kind == "long_text" else 1
    ws.row_dimensions[row].height = text_height([(label, WIDTHS["B"]), (help_text, WIDTHS["C"] * 1.1)], 15 * answer_lines + 4)
    if q.kind != "multi_choice":
        unlock_answer(ws, f"D{row}", styles, {"date": DATE_FORMAT, "text": "@", "long_text": "@"}.get(q.kind))
        return row
    put(ws, f"D{row}", content.text("tick_all", lang), styles, size=9, italic=True)
    for choice in q.choices:
        row += 1
        cells.choice_rows[choice.id] = row
        for column in "ACE":
            put(ws, f"{column}{row}", None, styles)
        put(ws, f"B{row}", choice.label.get(lang), styles, indent=2)
        unlock_answer(ws, f"D{row}", styles)
        ws.row_dimensions[row].height = text_height([(choice.label.get(lang), WIDTHS["B"] - 4)])
    return row


def _help_text(q: Question, sheet: QuestionSheet, content: Content, lang: str) -> str:
    parts = [q.help.get(lang)] if q.help else []
    if q.show_if and q.show_if.question in sheet.cells:
        parts.append(condition_instruction(content, sheet.form, q, lang, question_numbers(sheet.form)))
    if q.kind == "number" and (q.minimum is not None or q.maximum is not None):
        parts.append(
            f"{_plain(q.minimum) if q.minimum is not None else '…'} – {_plain(q.maximum) if q.maximum is not None else '…'}"
        )
    return "\n".join(parts)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class _Validations:
    """The data validations of the answer cells: drop-downs, dates and numbers, refused with a message, and
    an input message on every answer cell naming its question with the first sentence of its guidance."""

    def __init__(self, ws: Worksheet, content: Content, lang: str):
        self.ws, self.content, self.lang = ws, content, lang

    def _new(self, cells: QuestionCells, kind: str | None, formula1: str | None, message_key: str, formula2=None):
        message = self.content.text(message_key, self.lang)
        dv = DataValidation(
            type=kind,
            formula1=formula1,
            formula2=formula2,
            operator=None if kind in ("list", None) else "between",
            allow_blank=True,
            showErrorMessage=True,  # an "any value" validation never refuses: only its input message shows
            showInputMessage=True,
            errorStyle="stop",
            errorTitle=self.content.text("answer_label", self.lang)[:32],
            error=message[:225],
            promptTitle=prompt_title(self.content, cells.number, self.lang),
            prompt=prompt_text(self.content, cells.question, self.lang, message_key),
        )
        self.ws.add_data_validation(dv)
        return dv

    def add(self, cells: QuestionCells) -> None:
        q, ref = cells.question, f"D{cells.row}"
        if q.kind == "multi_choice":
            ticks = self._new(cells, "list", YES_LIST, "tick_all")
            for row in cells.choice_rows.values():
                ticks.add(f"D{row}")
        elif q.has_choices:
            self._new(cells, "list", f"opts_{q.id}", "choose_answer").add(ref)
        elif q.kind == "date":
            self._new(cells, "date", "1", "choose_date", LAST_DATE_SERIAL).add(ref)
        elif q.kind == "number":
            low = q.minimum if q.minimum is not None else -NUMBER_LIMIT
            high = q.maximum if q.maximum is not None else NUMBER_LIMIT
            self._new(cells, "decimal", _plain(low), "type_number", _plain(high)).add(ref)
        else:
            # any value: the validation only carries the input message
            self._new(cells, None, None, "type_answer").add(ref)


def _define_names(wb, sheet_name: str, cells: QuestionCells) -> None:
    """The names other programs rely on (INTERFACES.md): ans_<id>, ans_<id>__<choice>, and txt_<id>."""
    q = cells.question
    names = {f"txt_{q.id}": absolute(sheet_name, "B", cells.row)}
    if q.kind == "multi_choice":
        names.update({f"ans_{q.id}__{cid}": absolute(sheet_name, "D", row) for cid, row in cells.choice_rows.items()})
    else:
        names[f"ans_{q.id}"] = absolute(sheet_name, "D", cells.row)
    for name, ref in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _conditional_formats(ws: Worksheet, last: int) -> None:
    first = FIRST_ROW
    ws.conditional_formatting.add(
        f"A{first}:E{last}",
        FormulaRule(formula=[f"AND(ISNUMBER($F{first}),$F{first}=0)"], fill=NOT_APPLICABLE_FILL, font=Font(color="595959")),
    )
    ws.conditional_formatting.add(f"D{first}:D{last}", FormulaRule(formula=[f"$I{first}=1"], fill=MISSING_FILL))
