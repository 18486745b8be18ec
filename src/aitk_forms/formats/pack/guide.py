"""The scoring guide printed after each form of the pack: everything a trainer needs to score a completed
form on paper, derived from the form's result rules (no form is named here).

Products of two scale answers get the matrix of every pair of answers with its level written in the cell
(floors applied), means get the value of each answer and a tally of sums and counts, completeness gets its
counting rule; results of results and verdicts get the sentence that finds them; every level set gets its
bands in words, labels and recommendations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list

from ...bands import Band, band_words, is_discrete, level_bands
from ...model import Choice, Form, Level, Question, ResultRule
from ...scoring import DONT_KNOW, NOT_APPLICABLE, NOT_ENOUGH_KNOWLEDGE, floored_level, level_for, plain_number, round_half_up
from ...wording import question_numbers
from .tally import Tally, choice_label, tallies

Ui = Callable[[str], str]
# Light tints from the lowest level to the highest: the written label carries the level, the tint only helps
# (packs are photocopied in grey, where these come out as pale greys under black text).
TINTS = ("#e4f2e4", "#fbf1c7", "#f9d9b8", "#f2bcbc")


@dataclass(frozen=True)
class ValueTable:
    """The value of each point of one answer scale (or of one question's choices)."""

    title: str | None
    rows: tuple[tuple[str, str], ...]  # (answer label, its value or "not scored")


@dataclass(frozen=True)
class MatrixCell:
    score: str
    label: str  # the level written in the cell
    raised: bool  # the level is above what the score alone gives: a floor applied
    tint: str


@dataclass(frozen=True)
class Matrix:
    """Every pair of answers of a two-factor product: columns the first factor, rows the second (highest first)."""

    column_title: str
    row_title: str
    columns: tuple[tuple[str, str], ...]  # (value, label)
    rows: tuple[tuple[str, str, tuple[MatrixCell, ...]], ...]  # (value, label, cells)
    floor_note: str | None
    caption: str | None  # the results it is for, when a form needs more than one matrix


@dataclass(frozen=True)
class Verdict:
    intro: str
    conditions: tuple[str, ...]
    note: str | None


@dataclass(frozen=True)
class LevelTable:
    rows: tuple[tuple[str, str, str | None], ...]  # (label, band in words, recommendation)
    note: str | None  # how to round before reading a level


@dataclass(frozen=True)
class Guide:
    anchor: str
    how: tuple[str, ...]
    values: tuple[ValueTable, ...]
    matrices: tuple[Matrix, ...]
    tallies: tuple[Tally, ...]
    rules: tuple[str, ...]
    verdicts: tuple[Verdict, ...]
    levels: tuple[LevelTable, ...]


def scoring_guide(form: Form, lang: str, ui: Ui) -> Guide:
    """The scoring guide of `form` in `lang`, its fixed texts from `ui`."""
    numbers = question_numbers(form)
    products = [r for r in form.results if r.method == "product" and not r.results]
    means = [r for r in form.results if r.method == "mean" and not r.results]
    matrices = _matrices(form, products, lang, ui)
    valued = means + [r for r in products if len(form.rule_factors(r)) != 2]
    return Guide(
        anchor=f"guide-{form.id}",
        how=_how(form, lang, ui),
        values=_value_tables(form, valued, lang, ui),
        matrices=matrices,
        tallies=tallies(form, lang, ui, numbers, _factor_title),
        rules=_result_rules(form, lang, ui),
        verdicts=tuple(_verdict(form, r, lang, ui, numbers) for r in form.results if r.method == "any"),
        levels=tuple(_level_table(form, name, lang, ui) for name, _ in form.levels),
    )


def _how(form: Form, lang: str, ui: Ui) -> tuple[str, ...]:
    """The rules a person follows to fill in the tally sheet, in the order the methods first appear."""
    found: list[str] = []
    for rule in form.results:
        if rule.results or rule.method == "any":
            continue
        if rule.method == "product":
            found.append(ui("guide_product_how"))
        elif rule.method == "mean":
            found += _mean_how(form, rule, lang, ui)
        elif rule.method == "completeness":
            found.append(ui("guide_completeness_how"))
            if any(q.checklist for q in form.rule_questions(rule)):
                found.append(ui("guide_checklist_how"))
    return tuple(dict.fromkeys(found))


def _mean_how(form: Form, rule: ResultRule, lang: str, ui: Ui) -> list[str]:
    questions = form.rule_questions(rule)
    said = [ui("guide_mean_how")]
    if dont_know := choice_label(questions, DONT_KNOW, lang):
        key = "guide_dont_know_excluded" if rule.dont_know == "excluded" else "guide_dont_know_unanswered"
        said.append(ui(key).format(dont_know=dont_know, finding=ui(NOT_ENOUGH_KNOWLEDGE)))
    if not_applicable := choice_label(questions, NOT_APPLICABLE, lang):
        said.append(ui("guide_not_applicable_how").format(not_applicable=not_applicable))
    return said


def _value_tables(form: Form, rules: list[ResultRule], lang: str, ui: Ui) -> tuple[ValueTable, ...]:
    """One table per scale (or unscaled question) the rules read, in order of first use."""
    seen: dict[str, ValueTable] = {}
    for rule in rules:
        for factor in form.rule_factors(rule):
            for q in factor:
                key = q.scale or q.id
                if key not in seen:
                    seen[key] = ValueTable(_factor_title(form, (q,), lang), tuple(_value_row(c, lang, ui) for c in q.choices))
    return tuple(seen.values())


def _value_row(choice: Choice, lang: str, ui: Ui) -> tuple[str, str]:
    value = ui("guide_not_scored") if choice.value is None else str(plain_number(choice.value))
    return choice.label.get(lang), value


def _factor_title(form: Form, factor: tuple[Question, ...], lang: str) -> str | None:
    """What an input measures: its scale's title, or its question's label when the scale has none."""
    title = form.scale_title(factor[0].scale)
    if title is not None:
        return title.get(lang)
    return factor[0].label.get(lang) if len(factor) == 1 else None


def _matrices(form: Form, rules: list[ResultRule], lang: str, ui: Ui) -> tuple[Matrix, ...]:
    """One matrix per distinct pair of scales (with their floors) among the two-factor products."""
    groups: dict[tuple, list[ResultRule]] = {}
    for rule in rules:
        factors = form.rule_factors(rule)
        if len(factors) == 2:
            # The answers each input can take, with their floors: a "higher of" input is its questions' together.
            signature = tuple(tuple(sorted({(c.id, c.value or 0, c.floor or "") for q in f for c in q.choices})) for f in factors)
            groups.setdefault(signature, []).append(rule)
    several = len(groups) > 1
    return tuple(_matrix(form, group, lang, ui, several) for group in groups.values())


def _matrix(form: Form, rules: list[ResultRule], lang: str, ui: Ui, captioned: bool) -> Matrix:
    rule = rules[0]
    first, second = form.rule_factors(rule)
    columns = _points(first)
    rows = _points(second)[::-1]  # the highest value on top, as risk matrices are read
    order = [lv.id for lv in form.level_set(rule.levels or "")]
    cells = tuple(
        (_plain(r.value), r.label.get(lang), tuple(_cell(form, rule, c, r, order, lang) for c in columns)) for r in rows
    )
    floors = [
        ui("guide_floor_item").format(answer=c.label.get(lang), level=level.label.get(lang))
        for c in _points(first) + _points(second)
        if (level := _level_by_id(form, rule, c.floor)) is not None
    ]
    caption = _join([r.label.get(lang) for r in rules], lang, "standard") if captioned else None
    return Matrix(
        column_title=_factor_title(form, first, lang) or "",
        row_title=_factor_title(form, second, lang) or "",
        columns=tuple((_plain(c.value), c.label.get(lang)) for c in columns),
        rows=cells,
        floor_note=ui("guide_floor_note").format(floors=_semicolon(lang).join(floors)) if floors else None,
        caption=caption,
    )


def _points(factor: tuple[Question, ...]) -> list[Choice]:
    """The scored answers of an input, lowest value first (a "higher of" input reads like its first question)."""
    return sorted((c for c in factor[0].choices if c.value is not None), key=lambda c: c.value or 0)


def _cell(form: Form, rule: ResultRule, column: Choice, row: Choice, order: list[str], lang: str) -> MatrixCell:
    score = round_half_up((column.value or 0) * (row.value or 0), rule.decimals)
    level = floored_level(form, rule, score, [column, row])
    plain_level = level_for(form, rule, score)
    raised = level is not None and (plain_level is None or order.index(level.id) > order.index(plain_level.id))
    return MatrixCell(
        score=str(plain_number(score)),
        label=level.label.get(lang) if level else "",
        raised=raised,
        tint=_tint(order, level),
    )


def _tint(order: list[str], level: Level | None) -> str:
    if level is None or len(order) < 2:
        return "#ffffff"
    step = (len(TINTS) - 1) / (len(order) - 1)
    return TINTS[round(order.index(level.id) * step)]


def _level_by_id(form: Form, rule: ResultRule, level_id: str | None) -> Level | None:
    return next((lv for lv in form.level_set(rule.levels or "") if lv.id == level_id), None)


def _result_rules(form: Form, lang: str, ui: Ui) -> tuple[str, ...]:
    """How each result of other results is found: the highest level, or the mean."""
    said = []
    for rule in (r for r in form.results if r.results):
        label = rule.label.get(lang)
        if rule.method == "max":
            said.append(ui("guide_max_results").format(result=label, count=len(rule.results)))
        elif rule.method == "mean":
            text = ui("guide_mean_results").format(result=label, count=len(rule.results))
            inputs = [form.result(k) for k in rule.results]
            if any(r is not None and r.method == "mean" and r.dont_know == "excluded" for r in inputs):
                gap = "" if lang.split("-")[0] in ("zh", "ja") else " "  # no space between Chinese sentences
                text += gap + ui("guide_finding_spreads").format(finding=ui(NOT_ENOUGH_KNOWLEDGE))
            said.append(text)
    return tuple(said)


def _verdict(form: Form, rule: ResultRule, lang: str, ui: Ui, numbers: dict[str, str]) -> Verdict:
    """An `any` result: the verdict each way, and its conditions in words."""
    levels = form.level_set(rule.levels or "")
    yes = next((lv.label.get(lang) for lv in levels if lv.contains(1.0)), "")
    no = next((lv.label.get(lang) for lv in levels if lv.contains(0.0)), "")
    conditions, uncertain = [], False
    for cond in rule.conditions:
        if cond.question is not None:
            q = form.question(cond.question)
            labels = [c.label.get(lang) for c in q.choices if c.id in cond.values] if q else list(cond.values)
            if dont_know := choice_label([q] if q else [], DONT_KNOW, lang):
                labels.append(dont_know)
                uncertain = True
            answers = _join(labels, lang, "or")  # unquoted, as the forms' own "Answer only if" instructions
            conditions.append(ui("guide_condition_question").format(number=numbers.get(cond.question, "?"), answers=answers))
        else:
            source = form.result(cond.result or "")
            named = [lv.label.get(lang) for lv in form.level_set(source.levels or "") if lv.id in cond.values] if source else []
            result = source.label.get(lang) if source else str(cond.result)
            conditions.append(ui("guide_condition_result").format(result=result, levels=_join(named, lang, "or")))
    note = ui("guide_dont_know_holds").format(dont_know=ui(DONT_KNOW)) if uncertain else None
    intro = ui("guide_any_intro").format(result=rule.label.get(lang), yes=yes, no=no)
    return Verdict(intro, tuple(conditions), note)


def _level_table(form: Form, name: str, lang: str, ui: Ui) -> LevelTable:
    bands = level_bands(form, name)
    levels = form.level_set(name)
    rows = tuple(
        (lv.label.get(lang), _band_text(lv, bands[lv.id], ui), lv.recommendation.get(lang) if lv.recommendation else None)
        for lv in levels
    )
    rules = [r for r in form.results if r.levels == name and r.method != "any"]
    note = None
    if rules and not is_discrete(form, name):
        decimals = max(r.decimals for r in rules)
        note = ui("guide_round").format(decimals=decimals) if decimals else ui("guide_round_whole")
    return LevelTable(rows, note)


def _band_text(level: Level, band: Band, ui: Ui) -> str:
    if band.verdict:  # a yes-or-no result: the level that holds 1 is "yes"
        return ui("guide_verdict_holds") if level.contains(1.0) else ui("guide_verdict_none")
    return band_words(band, ui("guide_band_from_to"), ui("guide_band_from_to_under"))


def _plain(value: float | None) -> str:
    return str(plain_number(value or 0))


def _join(items: list[str], lang: str, style: str) -> str:
    """Items joined as the language lists them ("A, B or C")."""
    try:
        return format_list(items, style=style, locale=lang.replace("-", "_"))
    except (ValueError, LookupError):  # a language Babel does not know
        return ", ".join(items)


def _semicolon(lang: str) -> str:
    """What separates items that hold a colon themselves ("Major: at least Medium; Severe: at least High"):
    a list's "and" would run into them (in Chinese "中和" reads as one word)."""
    return {"zh": "；", "ar": "؛ "}.get(lang.split("-")[0], "; ")
