"""The results sheet: live scores, levels and statuses (score_<key>, level_<key>, status_<key>), progress
and missing answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName

from ...model import Content, Form
from ...typesetting.word import SYMBOL_FONT
from ...wording import colon
from ...xlsx_titles import mark_column_titles
from .questions import QuestionSheet
from .result_formulas import HELPER_COLUMNS, STATUS_TEXTS, ResultRow, result_row_formulas
from .style import HEADER_FILL, MISSING_FILL, Styles, absolute, level_colours, print_setup, protect, put, text_height

WIDTHS = {"A": 8, "B": 44, "C": 14, "D": 28, "E": 34}
LEVEL_ID_COLUMN = "F"  # hidden: the level id of a final result, for colours
# Hidden: how many questions are answered. Level colours wait for the first answer: a blank workbook would
# otherwise show every stage "0 Incomplete" in red before anyone has had a chance to answer.
ANSWERED_COLUMN = "G"
TICK, CROSS = "✓", "✗"  # a required question answered, or still missing


@dataclass
class ResultsLayout:
    """Where the results sheet put each result row and each required question's row."""

    name: str
    rows: dict[str, ResultRow] = field(default_factory=dict)  # result key -> its row
    required: dict[int, str] = field(default_factory=dict)  # row of the required questions table -> question id


def add_results_sheet(
    wb, name: str, content: Content, form: Form, lang: str, styles: Styles, sheet: QuestionSheet
) -> ResultsLayout:
    ws = wb.create_sheet(name)
    layout = ResultsLayout(ws.title)
    for column, width in WIDTHS.items():
        ws.column_dimensions[column].width = width
    for column in HELPER_COLUMNS:  # the result rows' workings (result_formulas.py)
        ws.column_dimensions[column].hidden = True
    lists = sheet.lists
    ws.merge_cells("A1:E1")
    title = f"{form.title.get(lang)}{colon(lang)}{content.text('results_title', lang)}"
    put(ws, "A1", title, styles, size=14, bold=True, wrap=False)
    ws.row_dimensions[1].height = 24
    answered, shown, missing = (f"SUM({_span(sheet, column)})" for column in "GFI")
    ws.merge_cells("A2:E2")
    put(
        ws,
        "A2",
        f'=SUBSTITUTE(SUBSTITUTE({lists.text("progress")},"{{answered}}",{answered}),"{{total}}",{shown})',
        styles,
        size=12,
        bold=True,
    )
    ws.merge_cells("A3:E3")
    put(
        ws,
        "A3",
        f'=IF({missing}=0,{lists.text("none_missing")},{lists.text("missing_required")}&"{colon(lang)}"&{missing})',
        styles,
        size=11,
    )
    # Conditional formats read cells of their own sheet only (Excel 2007 refuses other sheets).
    ws[f"{LEVEL_ID_COLUMN}3"] = f"={missing}"
    ws.conditional_formatting.add("A3:E3", FormulaRule(formula=[f"${LEVEL_ID_COLUMN}$3>0"], fill=MISSING_FILL))
    ws[f"{ANSWERED_COLUMN}3"] = f"={answered}"
    row = _results_table(wb, ws, 5, content, form, lang, styles, sheet, layout.rows)
    row = _required_table(ws, row + 1, content, form, lang, styles, sheet, layout.required)
    print_setup(ws, f"A1:E{row - 1}", styles)
    protect(ws)
    return layout


def _q(sheet: QuestionSheet) -> str:
    return "'" + sheet.name.replace("'", "''") + "'"


def _span(sheet: QuestionSheet, column: str) -> str:
    """The whole calc column of the questions sheet (only question rows have values there)."""
    first = min(c.row for c in sheet.cells.values())
    last = max(c.last_row for c in sheet.cells.values())
    return f"{_q(sheet)}!${column}${first}:${column}${last}"


def _header_row(ws, row: int, texts: list[str], styles: Styles) -> None:
    for column, text in zip("ABCDE", texts, strict=False):
        put(ws, f"{column}{row}", text, styles, bold=True, color="FFFFFF", fill=HEADER_FILL)
    mark_column_titles(ws, row)


def score_format(form: Form, rule) -> str:
    """One number format per result, whatever its value: two decimals for a mean (2.00, 0.80, 1.25), whole
    numbers for a percentage, a verdict and a product of whole scale values; two decimals for any other."""
    if rule.method == "mean":
        return "0.00"
    values = [c.value for q in form.questions() for c in q.choices if c.value is not None]
    whole = all(float(value).is_integer() for value in values)
    return "0" if rule.method in ("completeness", "any") or whole else "0.00"


def _results_table(
    wb, ws, row: int, content: Content, form: Form, lang: str, styles: Styles, sheet: QuestionSheet, rows: dict[str, ResultRow]
) -> int:
    _header_row(
        ws,
        row,
        [
            "",
            content.text("results_title", lang),
            content.text("score_label", lang),
            content.text("level_label", lang),
            content.text("status_label", lang),
        ],
        styles,
    )
    for rule in form.results:
        row += 1
        levels = form.level_set(rule.levels) if rule.levels else ()
        rows[rule.key] = ResultRow(rule, ws.title, row, levels)
        cells = result_row_formulas(form, rows[rule.key], sheet, rows)
        put(ws, f"A{row}", None, styles)
        put(ws, f"B{row}", rule.label.get(lang), styles, bold=rule.key == "overall")
        put(ws, f"C{row}", cells["C"], styles, bold=True, horizontal="center")
        ws[f"C{row}"].number_format = score_format(form, rule)
        put(ws, f"D{row}", cells["D"], styles, bold=True, horizontal="center")
        put(ws, f"E{row}", cells["E"], styles, size=9, italic=True)
        for column in HELPER_COLUMNS:
            ws[f"{column}{row}"] = cells.get(column)
        ws.row_dimensions[row].height = text_height([(rule.label.get(lang), WIDTHS["B"]), _longest_status(content, lang)], 18)
        _colour_levels(ws, row, form, rule.levels, levels)
        for prefix, column in (("score", "C"), ("level", "D"), ("status", "E")):
            wb.defined_names[f"{prefix}_{rule.key}"] = DefinedName(
                f"{prefix}_{rule.key}", attr_text=absolute(ws.title, column, row)
            )
    return row + 1


def _longest_status(content: Content, lang: str) -> tuple[str, float]:
    """The longest text the status cell may show, with the width it has (9-point text fits more)."""
    texts = [content.text(key, lang).replace("{answered}", "00").replace("{total}", "00") for key in STATUS_TEXTS]
    return max(texts, key=len), WIDTHS["E"] * 1.1


def _colour_levels(ws, row: int, form: Form, set_name: str | None, levels) -> None:
    # Risk levels get worse as the score grows; readiness and completeness get better.
    higher_is_worse = form.id == "risk" or set_name == "risk"
    for level, colour in zip(levels, level_colours(len(levels), higher_is_worse), strict=False):
        fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        ws.conditional_formatting.add(
            f"C{row}:D{row}",
            FormulaRule(formula=[f'AND(${LEVEL_ID_COLUMN}${row}="{level.id}",${ANSWERED_COLUMN}$3>0)'], fill=fill),
        )


def _required_table(
    ws, row: int, content: Content, form: Form, lang: str, styles: Styles, sheet: QuestionSheet, rows: dict[int, str]
) -> int:
    required = [c for c in sheet.cells.values() if c.question.required]
    if not required:
        return row
    # The questions marked required, each with ✓ (answered), ✗ (missing) or "not applicable" under "Answer".
    headers = [content.text("number_label", lang), content.text("required_label", lang), content.text("answer_label", lang)]
    _header_row(ws, row, [*headers, "", ""], styles)
    for cells in required:
        row += 1
        rows[row] = cells.question.id
        label = cells.question.label.get(lang)
        put(ws, f"A{row}", cells.number, styles)
        put(ws, f"B{row}", label, styles)
        shown, missing = sheet.ref("F", cells.question.id), sheet.ref("I", cells.question.id)
        put(
            ws,
            f"C{row}",
            f'=IF({shown}=0,{sheet.lists.text("not_applicable")},IF({missing}=1,"{CROSS}","{TICK}"))',
            styles,
            horizontal="center",
            family=SYMBOL_FONT,  # the language's Office font has no ✓ or ✗; Excel finds its letters elsewhere
        )
        for column in "DE":
            put(ws, f"{column}{row}", None, styles)
        ws.row_dimensions[row].height = text_height([(label, WIDTHS["B"])])
        ws[f"{LEVEL_ID_COLUMN}{row}"] = f"={missing}"
        ws.conditional_formatting.add(f"A{row}:C{row}", FormulaRule(formula=[f"${LEVEL_ID_COLUMN}${row}=1"], fill=MISSING_FILL))
    return row + 1
