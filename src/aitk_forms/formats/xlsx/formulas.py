"""Spreadsheet formulas generated from the scoring rules, mirroring scoring.py exactly.

Only functions that Excel 2007+, Excel for the web and LibreOffice all have, none volatile:
IF, AND, OR, SUM, COUNT, MAX, PRODUCT, ROUND, SUMPRODUCT, ISNUMBER, LEN, TRIM, SUBSTITUTE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...model import Form, Level, ResultRule

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
    """Fill the hidden columns: F shown, G answered, H value, I required-and-missing, J row state."""
    q, r = cells.question, cells.row
    ws[f"F{r}"] = _visible_formula(cells, sheet)
    ws[f"G{r}"] = _answered_formula(cells, sheet)
    scored = q.has_choices and any(c.value is not None for c in q.choices)
    if scored:
        opts = sheet.lists.options[q.id]
        match = f"({opts.labels}=$D${r})"
        ws[f"H{r}"] = f'=IF(AND($F${r}=1,SUMPRODUCT({match}*{opts.scored})=1),SUMPRODUCT({match}*{opts.values}),"")'
    ws[f"I{r}"] = f"=IF(AND($F${r}=1,$G${r}=0),1,0)" if q.required else 0
    # J drives the colours: 0 not applicable, 1 shown, 2 shown but a required answer is missing.
    for row in [r, *cells.choice_rows.values()]:
        ws[f"J{row}"] = f"=$F${r}+$I${r}"


def _visible_formula(cells: QuestionCells, sheet: QuestionSheet) -> str | int:
    cond = cells.question.show_if
    if cond is None or cond.question not in sheet.cells:
        return 1
    other = sheet.cells[cond.question]
    tests = _chosen_tests(other, cond.values, sheet)
    return f"=IF(AND($F${other.row}=1,OR({','.join(tests) or 'FALSE()'})),1,0)"


def _chosen_tests(other: QuestionCells, values: tuple[str, ...], sheet: QuestionSheet, prefix: str = "") -> list[str]:
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


def score_formula(form: Form, rule: ResultRule, sheet: QuestionSheet, scores: dict[str, str], level_ids: dict[str, str]) -> str:
    """The live formula of one result, or "" while there are not enough answers."""
    d = rule.decimals
    if rule.method == "any":
        return _any_formula(rule, sheet, scores, level_ids)
    if rule.results:
        values = [scores[k] for k in rule.results if k in scores]
        expected = str(len(rule.results))
    else:
        questions = [q for q in form.rule_questions(rule) if q.id in sheet.cells]
        if rule.method == "completeness":
            shown = call("SUM", [sheet.ref("F", q.id) for q in questions])
            answered = call("SUM", [sheet.ref("G", q.id) for q in questions])
            return f'=IF({shown}=0,"",ROUND(100*{answered}/{shown},{d}))' if questions else '=""'
        values = [sheet.ref("H", q.id) for q in questions]
        expected = call("SUM", [sheet.ref("F", q.id) for q in questions]) if questions else "0"
    if not values or rule.method == "completeness":
        return '=""'
    count = call("COUNT", values)
    if rule.method == "mean":
        return f'=IF({count}=0,"",ROUND({call("SUM", values)}/{count},{d}))'
    if rule.method == "max":
        return f'=IF({count}=0,"",ROUND({call("MAX", values)},{d}))'
    if rule.method == "product":
        return f'=IF(AND({count}>0,{count}={expected}),ROUND({call("PRODUCT", values)},{d}),"")'
    return '=""'


def _any_formula(rule: ResultRule, sheet: QuestionSheet, scores: dict[str, str], level_ids: dict[str, str]) -> str:
    holds, known = [], []
    for cond in rule.conditions:
        if cond.question is not None and cond.question in sheet.cells:
            other = sheet.cells[cond.question]
            answered = sheet.ref("G", cond.question)
            tests = _chosen_tests(other, cond.values, sheet, prefix=_quoted_prefix(sheet))
            holds.append(f"AND({answered}=1,OR({','.join(tests) or 'FALSE()'}))")
            known.append(answered)
        elif cond.result is not None and cond.result in scores:
            level = level_ids[cond.result]
            holds.append(f"OR({','.join(f'{level}={_string(v)}' for v in cond.values) or 'FALSE()'})")
            known.append(f"ISNUMBER({scores[cond.result]})*1")
    if not holds:
        return '=""'
    return f'=IF(OR({",".join(holds)}),1,IF({"+".join(known)}={len(rule.conditions)},0,""))'


def _quoted_prefix(sheet: QuestionSheet) -> str:
    return "'" + sheet.name.replace("'", "''") + "'!"


def _string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def level_formula(levels: tuple[Level, ...], score: str, outputs: dict[str, str]) -> str:
    """Nested IFs choosing the level band of `score`; `outputs` maps a level id to what to show."""
    formula = '""'
    for level in reversed(levels):
        upper = f"{score}<{plain(level.below)}" if level.below is not None else f"{score}<={plain(level.maximum or 0)}"
        formula = f"IF(AND({score}>={plain(level.minimum)},{upper}),{outputs[level.id]},{formula})"
    return f'=IF(ISNUMBER({score}),{formula},"")'


def level_id_outputs(levels: tuple[Level, ...]) -> dict[str, str]:
    return {level.id: _string(level.id) for level in levels}
