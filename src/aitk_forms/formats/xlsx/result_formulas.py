"""The live formulas of each result row, generated from its rule so that Excel and LibreOffice reach the
same three-valued result as scoring.py: final, provisional (no score, no level, what is missing), or final
with a finding.

A result row has visible cells C (score), D (level label), E (status) and hidden helper cells:
F the level id (colours), G final (1/0), H the level rank (1 = the lowest level of its set, 0 = none; floors
included; for a provisional highest result, the rank of its lower bound), I the score as it stands,
J inputs known, K inputs needed, L the finding (1 not enough knowledge, 2 until a "Don't know" is
resolved), M and N method by method (see each function). C, D and F show I and H only once G is 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...model import Form, Level, Question, ResultCondition, ResultRule, companion_id
from .cells import QuestionSheet
from .formulas import call, chosen_tests, plain, text_literal
from .lists import Lists
from .style import absolute, quoted

HELPER_COLUMNS = ("F", "G", "H", "I", "J", "K", "L", "M", "N")
NOT_ENOUGH_KNOWLEDGE, UNTIL_RESOLVED = 1, 2  # the finding codes of column L
# What a provisional result waits for: answers, other results, or the conditions of an `any` rule.
WAITING_TEXTS = {"questions": "provisional_questions", "results": "provisional_results", "any": "provisional_conditions"}
STATUS_TEXTS = (*WAITING_TEXTS.values(), "not_enough_knowledge", "until_resolved", "not_applicable")  # on the lists sheet


@dataclass(frozen=True)
class ResultRow:
    """Where one result lives on the results sheet, and the levels it is scored against."""

    rule: ResultRule
    sheet: str
    row: int
    levels: tuple[Level, ...]

    def ref(self, column: str) -> str:
        return absolute(self.sheet, column, self.row)

    def own(self, column: str) -> str:
        return f"${column}${self.row}"


def result_row_formulas(form: Form, row: ResultRow, sheet: QuestionSheet, rows: dict[str, ResultRow]) -> dict[str, object]:
    """Column letter -> formula (or value) for the visible and hidden cells of one result row."""
    rule = row.rule
    if rule.method == "any":
        helpers = _any(row, sheet, rows)
    elif rule.results:
        inputs = [rows[k] for k in rule.results]
        helpers = _max_of_results(row, inputs) if rule.method == "max" else _of_results(row, inputs)
    else:
        questions = [q for q in form.rule_questions(rule) if q.id in sheet.cells]
        method = {"completeness": _completeness, "mean": _mean, "max": _max_of_questions}.get(rule.method, _product)
        helpers = method(row, sheet, questions)
    return {**helpers, **_shown(row, sheet.lists, waiting_key(rule))}


def waiting_key(rule: ResultRule) -> str:
    """The UI text a provisional result shows: it waits for answers, other results, or conditions."""
    if rule.method == "any":
        return WAITING_TEXTS["any"]
    return WAITING_TEXTS["results" if rule.results else "questions"]


def _shown(row: ResultRow, lists: Lists, waiting: str) -> dict[str, object]:
    """C score, D level label, F level id (final results only) and E the status of the result."""
    g, h, i, j, k, found = (row.own(c) for c in "GHIJKL")
    labels = [lists.levels[(row.rule.levels, lv.id)] for lv in row.levels]
    ids = [text_literal(lv.id) for lv in row.levels]

    def level(outputs: list[str]) -> str:
        return f'=IF(AND({g}=1,{h}>0),CHOOSE({h},{",".join(outputs)}),"")' if outputs else ""

    provisional = f'SUBSTITUTE(SUBSTITUTE({lists.text(waiting)},"{{answered}}",{j}),"{{total}}",{k})'
    # Final without a score and without a level: every input was hidden by its condition.
    hidden = f'IF(OR(ISNUMBER({i}),{h}>0),"",{lists.text("not_applicable")})'
    until = f"IF({found}={UNTIL_RESOLVED},{lists.text('until_resolved')},{hidden})"
    final = f"IF({found}={NOT_ENOUGH_KNOWLEDGE},{lists.text('not_enough_knowledge')},{until})"
    # A verdict (`any`) is yes or no, told by its level; a score of 1 beside it would read as a grade.
    score = None if row.rule.method == "any" else f'=IF(AND({g}=1,ISNUMBER({i})),{i},"")'
    return {
        "C": score,
        "D": level(labels),
        "E": f"=IF({g}=0,{provisional},{final})",
        "F": level(ids),
    }


# ---------------------------------------------------------------- ranks and references


def rank_of(levels: tuple[Level, ...], score: str) -> str:
    """The rank of the band `score` falls in (1 for the first level of the set), 0 for none or no score."""
    formula = "0"
    for rank, level in reversed(list(enumerate(levels, start=1))):
        if level.below is not None:
            upper = f"{score}<{plain(level.below)}"
        elif level.maximum is not None:
            upper = f"{score}<={plain(level.maximum)}"
        else:
            continue  # a band with no top holds no score (Level.contains)
        formula = f"IF(AND({score}>={plain(level.minimum)},{upper}),{rank},{formula})"
    return f"IF(ISNUMBER({score}),{formula},0)"


def _total(function: str, refs: list[str]) -> str:
    return call(function, refs) if refs else "0"


def _column(sheet: QuestionSheet, column: str, questions: list[Question]) -> list[str]:
    return [sheet.ref(column, q.id) for q in questions]


def _top(row: ResultRow) -> str:
    """A test that the rank has reached the top level of the set (never true without levels)."""
    return f"{row.own('H')}={len(row.levels)}" if row.levels else "FALSE()"


# ---------------------------------------------------------------- results of questions


def _product(row: ResultRow, sheet: QuestionSheet, questions: list[Question]) -> dict[str, object]:
    """Final once every shown input has a scored answer; no inputs shown: final with no score.
    The level is the higher of the score's band and the highest floor of the chosen answers.
    A factor `higher_of` several questions is the MAX of their values."""
    g, i, j, k = (row.own(c) for c in "GIJK")
    values = _column(sheet, "H", questions)
    shown = {q.id for q in questions}
    parts = [[sheet.ref("H", q.id) for q in factor if q.id in shown] for factor in sheet.form.rule_factors(row.rule)]
    multiplied = [part[0] if len(part) == 1 else call("MAX", part) for part in parts if part]
    floors = [f for q in questions if (f := _floor_rank(q, sheet, row.levels))]
    level = f"MAX({rank_of(row.levels, i)},{','.join(floors)})" if floors else rank_of(row.levels, i)
    return {
        "J": f"={_total('COUNT', values)}",
        "K": f"={_total('SUM', _column(sheet, 'F', questions))}",
        "G": f"=IF({j}={k},1,0)",
        "I": f'=IF(AND({g}=1,{k}>0),ROUND({_total("PRODUCT", multiplied)},{row.rule.decimals}),"")',
        "H": f"=IF({g}=1,{level},0)",
        "L": 0,
    }


def _floor_rank(q: Question, sheet: QuestionSheet, levels: tuple[Level, ...]) -> str | None:
    """The rank of the floor the chosen answer of `q` carries (0 for none or a hidden question)."""
    ids = [lv.id for lv in levels]
    floored = [(c.id, ids.index(c.floor) + 1) for c in q.choices if c.floor in ids and c.value is not None]
    opts = sheet.lists.options.get(q.id)
    if not floored or opts is None:
        return None
    answer, formula = sheet.ref("D", q.id), "0"
    for choice_id, rank in reversed(floored):
        formula = f"IF({answer}={opts.label(choice_id)},{rank},{formula})"
    return f"IF({sheet.ref('F', q.id)}=1,{formula},0)"


def _mean(row: ResultRow, sheet: QuestionSheet, questions: list[Question]) -> dict[str, object]:
    """M scored answers, N "Don't know" answers (counted only when the rule excludes them: answered, not
    scored). More than half "Don't know": final, with the finding and no level."""
    g, j, k, found, m, n = (row.own(c) for c in "GJKLMN")
    values = _column(sheet, "H", questions)
    dont_know = _total("SUM", _column(sheet, "J", questions)) if row.rule.dont_know == "excluded" else "0"
    return {
        "K": f"={_total('SUM', _column(sheet, 'F', questions))}",
        "M": f"={_total('COUNT', values)}",
        "N": f"={dont_know}",
        "J": f"={m}+{n}",
        "L": f"=IF({n}*2>{k},{NOT_ENOUGH_KNOWLEDGE},0)",
        "G": f"=IF(OR({found}={NOT_ENOUGH_KNOWLEDGE},{j}={k}),1,0)",  # every question hidden: final, no score
        "I": f'=IF(AND({g}=1,{found}=0,{m}>0),ROUND({_total("SUM", values)}/{m},{row.rule.decimals}),"")',
        "H": f"=IF({g}=1,{rank_of(row.levels, row.own('I'))},0)",
    }


def _max_of_questions(row: ResultRow, sheet: QuestionSheet, questions: list[Question]) -> dict[str, object]:
    """M the highest value so far: final once every shown input is answered or it reaches the top level."""
    j, k, m = (row.own(c) for c in "JKM")
    values = _column(sheet, "H", questions)
    return {
        "J": f"={_total('COUNT', values)}",
        "K": f"={_total('SUM', _column(sheet, 'F', questions))}",
        "M": f'=IF({j}>0,{_total("MAX", values)},"")',
        "I": f'=IF(ISNUMBER({m}),ROUND({m},{row.rule.decimals}),"")',
        "H": f"={rank_of(row.levels, m)}",
        "G": f"=IF(OR({j}={k},{_top(row)}),1,0)",
        "L": 0,
    }


def _completeness(row: ResultRow, sheet: QuestionSheet, questions: list[Question]) -> dict[str, object]:
    """The share of applicable questions answered, a checklist counting as the share of its items ticked
    (items marked as not applying left out): always final. J the answered share, K the questions counted."""
    j, k = row.own("J"), row.own("K")
    plain = [q for q in questions if not q.checklist]
    shares, counted = [], []
    for q in (q for q in questions if q.checklist):
        share, counts = _checklist_share(q, sheet)
        shares.append(share)
        counted.append(counts)
    return {
        "J": "=" + "+".join([_total("SUM", _column(sheet, "G", plain)), *shares]),
        "K": "=" + "+".join([_total("SUM", _column(sheet, "F", plain)), *counted]),
        "G": 1,
        "I": f'=IF({k}=0,"",ROUND(100*{j}/{k},{row.rule.decimals}))',
        "H": f"={rank_of(row.levels, row.own('I'))}",
        "L": 0,
    }


def _checklist_share(q: Question, sheet: QuestionSheet) -> tuple[str, str]:
    """(share of the checklist's items ticked, 1 when it counts): items ticked in its companion "do not apply"
    question are left out; a hidden checklist, or one whose every item does not apply, does not count."""
    items = sheet.cells[q.id].choice_rows
    companion = sheet.cells.get(companion_id(q.id))
    yes = sheet.lists.text("yes")
    ticked_range = _rows_range(sheet, items)
    if companion is None:
        ticked, left_out = f"SUMPRODUCT(({ticked_range}={yes})*1)", "0"
    else:
        out_range = _rows_range(sheet, companion.choice_rows)
        ticked = f"SUMPRODUCT(({ticked_range}={yes})*({out_range}<>{yes}))"
        left_out = f"SUMPRODUCT(({out_range}={yes})*1)"
    remaining = f"({len(items)}-{left_out})"
    counts = f"AND({sheet.ref('F', q.id)}=1,{remaining}>0)"
    return f"IF({counts},{ticked}/{remaining},0)", f"IF({counts},1,0)"


def _rows_range(sheet: QuestionSheet, rows: dict[str, int]) -> str:
    prefix = quoted(sheet.name) + "!"
    return f"{prefix}$D${min(rows.values())}:$D${max(rows.values())}"


# ---------------------------------------------------------------- results of results


def _max_of_results(row: ResultRow, inputs: list[ResultRow]) -> dict[str, object]:
    """Only final inputs count: the highest score and the highest (floored) level among them. Final once
    every input is final or the level is the top one; until then H is the rank of the lower bound."""
    j, k = row.own("J"), row.own("K")
    scores = [r.ref("C") for r in inputs]
    ranks = [f"{r.ref('G')}*{rank}" for r in inputs if (rank := _mapped_rank(r, row))]
    return {
        "J": f"={_total('SUM', [r.ref('G') for r in inputs])}",
        "K": len(inputs),
        "H": f"={_total('MAX', ranks)}",
        "I": f'=IF(COUNT({",".join(scores)})>0,ROUND({_total("MAX", scores)},{row.rule.decimals}),"")',
        "G": f"=IF(OR({j}={k},{_top(row)}),1,0)",
        "L": 0,
    }


def _mapped_rank(source: ResultRow, target: ResultRow) -> str | None:
    """The rank of `source`'s level in `target`'s level set (levels are matched by id)."""
    if not source.levels or not target.levels:
        return None
    if source.rule.levels == target.rule.levels:
        return source.ref("H")
    ids = [lv.id for lv in target.levels]
    mapped = ["0", *(str(ids.index(lv.id) + 1 if lv.id in ids else 0) for lv in source.levels)]
    return f"CHOOSE({source.ref('H')}+1,{','.join(mapped)})"


def _of_results(row: ResultRow, inputs: list[ResultRow]) -> dict[str, object]:
    """Final once every input is final; an input without enough knowledge passes its finding on.
    M the inputs with a score; the score is their mean."""
    g, j, k, found, m = (row.own(c) for c in "GJKLM")
    scores = [r.ref("C") for r in inputs]
    combined = f"{_total('SUM', scores)}/{m}"  # a mean: the lint allows no other method over results
    passed_on = ",".join(f"{r.ref('L')}={NOT_ENOUGH_KNOWLEDGE}" for r in inputs)
    return {
        "J": f"={_total('SUM', [r.ref('G') for r in inputs])}",
        "K": len(inputs),
        "G": f"=IF({j}={k},1,0)",
        "L": f"=IF(AND({g}=1,OR({passed_on})),{NOT_ENOUGH_KNOWLEDGE},0)",
        "M": f"={_total('COUNT', scores)}",
        "I": f'=IF(AND({g}=1,{found}=0,{m}>0),ROUND({combined},{row.rule.decimals}),"")',
        "H": f"=IF({g}=1,{rank_of(row.levels, row.own('I'))},0)",
    }


# ---------------------------------------------------------------- any


def _any(row: ResultRow, sheet: QuestionSheet, rows: dict[str, ResultRow]) -> dict[str, object]:
    """Yes (1) once a condition holds or a condition's question is answered "Don't know" (by precaution,
    until it is resolved); no (0) once every condition is known to be false. M conditions holding,
    N conditions answered "Don't know", J conditions known (holding or false)."""
    g, j, k, m, n = (row.own(c) for c in "GJKMN")
    holds, known, dont_know = [], [], []
    for cond in row.rule.conditions:
        if cond.question is not None:
            test, decided = _question_condition(cond, sheet)
            dont_know.append(sheet.ref("J", cond.question))
        else:
            test, decided = _result_condition(cond, rows[cond.result])
        holds.append(f"IF({test},1,0)")
        known.append(f"IF(OR({test},{decided}),1,0)")
    return {
        "M": f"={'+'.join(holds)}",
        "N": f"={'+'.join(dont_know) or 0}",
        "J": f"={'+'.join(known)}",
        "K": len(row.rule.conditions),
        "G": f"=IF(OR({m}>0,{n}>0,{j}={k}),1,0)",
        "I": f'=IF(OR({m}>0,{n}>0),1,IF({j}={k},0,""))',
        "L": f"=IF(AND({m}=0,{n}>0),{UNTIL_RESOLVED},0)",
        "H": f"=IF({g}=1,{rank_of(row.levels, row.own('I'))},0)",
    }


def _question_condition(cond: ResultCondition, sheet: QuestionSheet) -> tuple[str, str]:
    """(holds, known to hold or to be false): a hidden question is false."""
    other = sheet.cells[cond.question]
    answered, shown = sheet.ref("G", cond.question), sheet.ref("F", cond.question)
    tests = chosen_tests(other, cond.values, sheet, prefix=quoted(sheet.name) + "!")
    holds = f"AND({answered}=1,OR({','.join(tests) or 'FALSE()'}))"
    return holds, f"OR({shown}=0,{answered}=1)"


def _result_condition(cond: ResultCondition, target: ResultRow) -> tuple[str, str]:
    """A final result holds when its level is among the values; a provisional highest result holds
    once its lower bound and every level above it are among them."""
    g, h = target.ref("G"), target.ref("H")
    ids = [lv.id for lv in target.levels]
    ranks = [ids.index(v) + 1 for v in cond.values if v in ids]
    tests = [f"AND({g}=1,OR({','.join(f'{h}={r}' for r in ranks) or 'FALSE()'}))"]
    lowest = len(ids) + 1  # the lowest rank from which every level up to the top is among the values
    while lowest > 1 and ids[lowest - 2] in cond.values:
        lowest -= 1
    if target.rule.method == "max" and lowest <= len(ids):
        tests.append(f"AND({g}=0,{h}>={lowest})")
    # Final without a level (every input hidden) is known not to hold; a lack of knowledge decides nothing.
    return f"OR({','.join(tests)})", f"AND({g}=1,{target.ref('L')}<>{NOT_ENOUGH_KNOWLEDGE})"
