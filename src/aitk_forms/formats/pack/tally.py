"""The tally sheets of the scoring guide: one row per result, blank boxes to write the counts, values and
levels in, grouped as the form groups its parts (core principles), with the results of results and the
verdicts as the last rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ...model import Form, Question, ResultRule
from ...scoring import DONT_KNOW, NOT_APPLICABLE

Ui = Callable[[str], str]
FactorTitle = Callable[[Form, tuple[Question, ...], str], str | None]


@dataclass(frozen=True)
class Cell:
    """A box to write in, with a small hint of what goes there; a shut cell has nothing to write."""

    hint: str = ""
    shut: bool = False


@dataclass(frozen=True)
class TallyRow:
    label: str
    cells: tuple[Cell, ...] = ()
    note: str | None = None  # the questions the row is counted from
    heading: bool = False  # a group's title across the table
    total: bool = False  # a result of other results, or a verdict


@dataclass(frozen=True)
class Tally:
    first: str  # the title of the first column
    columns: tuple[str, ...]
    rows: tuple[TallyRow, ...]
    score_column: int  # the column of a total's score (its other boxes are shut)


def tallies(form: Form, lang: str, ui: Ui, numbers: dict[str, str], factor_title: FactorTitle) -> tuple[Tally, ...]:
    """The form's tally sheets: one per kind of result read from questions, totals appended to their inputs'."""
    kinds: dict[str, list[ResultRule]] = {}
    for rule in form.results:
        if not rule.results and rule.method != "any":
            kinds.setdefault(_kind(rule), []).append(rule)
    built = {kind: _tally(form, kind, rules, lang, ui, numbers, factor_title) for kind, rules in kinds.items()}
    where = {rule.key: kind for kind, rules in kinds.items() for rule in rules}
    for rule in form.results:
        if rule.results or rule.method == "any":
            kind = next((where[k] for k in rule.results if k in where), None) or (list(built)[-1] if built else None)
            if kind is None:
                continue
            where[rule.key] = kind
            built[kind] = _with_total(built[kind], rule, lang)
    return tuple(built.values())


def _kind(rule: ResultRule) -> str:
    return rule.method if rule.method in ("product", "mean", "completeness") else "other"


def _tally(
    form: Form, kind: str, rules: list[ResultRule], lang: str, ui: Ui, numbers: dict[str, str], factor_title: FactorTitle
) -> Tally:
    if kind == "product":
        return _product_tally(form, rules, lang, ui, numbers, factor_title)
    if kind == "mean":
        questions = [q for r in rules for q in form.rule_questions(r)]
        columns = [ui("guide_sum_label"), ui("guide_scored_label")]
        counted = [label for key in (DONT_KNOW, NOT_APPLICABLE) if (label := choice_label(questions, key, lang))]
        columns += [ui("guide_count_of").format(answer=label) for label in counted]
        columns += [ui("guide_mean_label"), ui("level_label")]
    elif kind == "completeness":
        columns = [ui("guide_questions_label"), ui("guide_answered_label"), ui("guide_completeness_label"), ui("level_label")]
    else:
        columns = [ui("score_label"), ui("level_label")]
    rows = tuple(TallyRow(r.label.get(lang), tuple(Cell() for _ in columns), _question_range(form, r, numbers)) for r in rules)
    return Tally(ui("guide_result_label"), tuple(columns), rows, len(columns) - 2)


def _product_tally(
    form: Form, rules: list[ResultRule], lang: str, ui: Ui, numbers: dict[str, str], factor_title: FactorTitle
) -> Tally:
    """Products: a box per factor (which answers to copy), the product and the level, grouped by core principle."""
    widest = max(rules, key=lambda r: len(form.rule_factors(r)))
    titles = [factor_title(form, f, lang) or f"{n}" for n, f in enumerate(form.rule_factors(widest), 1)]
    columns = (*titles, ui("guide_product_label"), ui("level_label"))
    rows: list[TallyRow] = []
    group = None
    for rule in rules:
        factors = form.rule_factors(rule)
        section = form.section_of(factors[0][0].id) if factors else None
        if section is not None and section.group and section.group != group:
            found = form.group(section.group)
            rows.append(TallyRow(found.title.get(lang) if found else section.group, heading=True))
        group = section.group if section is not None else None
        hints = [Cell(_factor_hint(f, ui, numbers)) for f in factors]
        hints += [Cell(shut=True)] * (len(titles) - len(factors))
        rows.append(TallyRow(rule.label.get(lang), (*hints, Cell(), Cell())))
    return Tally(ui("guide_result_label"), columns, tuple(rows), len(columns) - 2)


def _factor_hint(factor: tuple[Question, ...], ui: Ui, numbers: dict[str, str]) -> str:
    """Which answer to copy: one question, or the higher of two."""
    if len(factor) == 1:
        return ui("guide_question_ref").format(number=numbers.get(factor[0].id, "?"))
    first, *rest = (numbers.get(q.id, "?") for q in factor)
    return ui("guide_higher_of").format(first=first, second=", ".join(rest))


def _with_total(tally: Tally, rule: ResultRule, lang: str) -> Tally:
    """A result of results (its score and level) or a verdict (its level only) as the tally's last row."""
    count = len(tally.columns)
    open_columns = {count - 1} if rule.method in ("any", "max") else {tally.score_column, count - 1}
    cells = tuple(Cell(shut=i not in open_columns) for i in range(count))
    return Tally(tally.first, tally.columns, (*tally.rows, TallyRow(rule.label.get(lang), cells, total=True)), tally.score_column)


def _question_range(form: Form, rule: ResultRule, numbers: dict[str, str]) -> str | None:
    """ "2.1 – 2.6": the questions a row is counted from."""
    found = [numbers[q.id] for q in form.rule_questions(rule) if q.id in numbers]
    if not found:
        return None
    return found[0] if len(found) == 1 else f"{found[0]} – {found[-1]}"


def choice_label(questions: list[Question] | tuple[Question, ...], choice_id: str, lang: str) -> str | None:
    """The label of an answer the questions offer ("Don't know", "Not applicable"), or None when none offers it."""
    found = next((c for q in questions if (c := q.choice(choice_id)) is not None), None)
    return found.label.get(lang) if found else None
