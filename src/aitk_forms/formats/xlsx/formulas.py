"""The questions sheet's hidden formulas (is a question shown, answered, its value), which the result
formulas (result_formulas.py) read.

Only functions that Excel 2010, Excel for the web and LibreOffice all have, none volatile:
IF, AND, OR, SUM, COUNT, MAX, PRODUCT, ROUND, SUMPRODUCT, ISNUMBER, LEN, TRIM, SUBSTITUTE, CHOOSE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...scoring import DONT_KNOW, NOT_APPLICABLE

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from .cells import QuestionCells, QuestionSheet

MAX_ARGUMENTS = 200  # Excel takes at most 255 arguments per function


def plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def call(function: str, refs: list[str]) -> str:
    """`function(refs...)`, split into nested calls when there are too many arguments for Excel."""
    if len(refs) <= MAX_ARGUMENTS:
        return f"{function}({','.join(refs)})"
    chunks = [call(function, refs[i : i + MAX_ARGUMENTS]) for i in range(0, len(refs), MAX_ARGUMENTS)]
    return call("SUM" if function in ("COUNT", "SUM") else function, chunks)


def write_calc_columns(ws: Worksheet, cells: QuestionCells, sheet: QuestionSheet) -> None:
    """Fill the hidden columns: F shown, G answered, H value, I required-and-missing, J answered "Don't know"."""
    q, r = cells.question, cells.row
    ws[f"F{r}"] = _visible_formula(cells, sheet)
    ws[f"G{r}"] = _answered_formula(cells, sheet)
    scored = q.has_choices and any(c.value is not None for c in q.choices)
    if scored:
        opts = sheet.lists.options[q.id]
        match = f"({opts.labels}=$D${r})"
        ws[f"H{r}"] = f'=IF(AND($F${r}=1,SUMPRODUCT({match}*{opts.scored})=1),SUMPRODUCT({match}*{opts.values}),"")'
    ws[f"I{r}"] = f"=IF(AND($F${r}=1,$G${r}=0),1,0)" if q.required else 0
    ws[f"J{r}"] = _dont_know_formula(cells, sheet)


def _dont_know_formula(cells: QuestionCells, sheet: QuestionSheet) -> str | int:
    """1 when the question is shown and answered "Don't know" (a precaution for `any`, a count for a mean)."""
    q, r = cells.question, cells.row
    opts = sheet.lists.options.get(q.id)
    if opts is None or q.choice(DONT_KNOW) is None:
        return 0
    return f"=IF(AND($F${r}=1,$D${r}={opts.label(DONT_KNOW)}),1,0)"


def _visible_formula(cells: QuestionCells, sheet: QuestionSheet) -> str | int:
    """1 when the question is shown and not answered "Not applicable" (which leaves it out of every result)."""
    q, r = cells.question, cells.row
    tests = []
    cond = q.show_if
    if cond is not None and cond.question in sheet.cells:
        other = sheet.cells[cond.question]
        tests.append(f"$F${other.row}=1")
        tests.append(f"OR({','.join(chosen_tests(other, cond.values, sheet)) or 'FALSE()'})")
    opts = sheet.lists.options.get(q.id)
    if opts is not None and q.choice(NOT_APPLICABLE) is not None:
        tests.append(f"$D${r}<>{opts.label(NOT_APPLICABLE)}")
    return f"=IF(AND({','.join(tests)}),1,0)" if tests else 1


def chosen_tests(other: QuestionCells, values: tuple[str, ...], sheet: QuestionSheet, prefix: str = "") -> list[str]:
    """One test per choice id: is this choice the answer (or ticked, for a multi-choice question)?"""
    if other.question.kind == "multi_choice":
        yes = sheet.lists.text("yes")
        return [f"{prefix}$D${other.choice_rows[v]}={yes}" for v in values if v in other.choice_rows]
    opts = sheet.lists.options.get(other.question.id)
    if opts is None:
        return []
    return [f"{prefix}$D${other.row}={opts.label(v)}" for v in values if v in opts.label_rows]


def _answered_formula(cells: QuestionCells, sheet: QuestionSheet) -> str:
    q, r = cells.question, cells.row
    if q.kind == "multi_choice":
        rows = list(cells.choice_rows.values())
        test = f"SUMPRODUCT(($D${min(rows)}:$D${max(rows)}={sheet.lists.text('yes')})*1)>0"
    elif q.has_choices:
        opts = sheet.lists.options[q.id]
        test = f"SUMPRODUCT(({opts.labels}=$D${r})*{opts.answers})>0"
    elif q.kind in ("date", "number"):
        bounds = [f"$D${r}>={plain(q.minimum)}" for _ in [1] if q.minimum is not None]
        bounds += [f"$D${r}<={plain(q.maximum)}" for _ in [1] if q.maximum is not None]
        # AND() evaluates every argument, so bounds on a text would be an error: nest the test.
        test = f"ISNUMBER($D${r})" if not bounds else f"IF(ISNUMBER($D${r}),AND({','.join(bounds)}),FALSE())"
    else:
        test = f"LEN(TRIM($D${r}))>0"
    return f"=IF(AND($F${r}=1,{test}),1,0)"


def text_literal(value: str) -> str:
    """A string constant of a formula."""
    return '"' + value.replace('"', '""') + '"'
