"""Trends and changes across rounds, computed from the store: per form, the mean of each result or the number
of units at each level in every round, each unit's overall result per round, and every unit × result
classified between the last two rounds.

The store's responses are streamed one round at a time and folded into running totals, so memory grows with
the number of units and results, never with the answers. Only final results are counted: a provisional
result has no score and no level. The texts of the reports live in their writers; this module knows ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..model import Content, Form
from ..store import UNASSIGNED, Store, StoredResponse, round_order

IMPROVED, REGRESSED, UNCHANGED = "improved", "regressed", "unchanged"
NEW, REMOVED, NOT_COMPARABLE = "new", "removed", "not comparable"
# The order changes are listed in: what needs attention first.
CHANGE_ORDER = (REGRESSED, IMPROVED, NOT_COMPARABLE, NEW, REMOVED, UNCHANGED)


@dataclass(frozen=True)
class ResultSeries:
    """One result of a form across the rounds (one value per round)."""

    key: str
    means: tuple[float | None, ...]  # mean of the final scores; None when none was final
    scored: tuple[int, ...]  # responses with a final score
    provisional: tuple[int, ...]  # responses where the result is not final yet
    levels: tuple[tuple[str, tuple[int, ...]], ...]  # (level id, responses at that level per round), lowest first


@dataclass(frozen=True)
class Standing:
    """One unit's result in one round."""

    version: str  # the content version of the form the response was scored with
    score: float | None  # final results only
    level: str | None  # level id, final results only
    provisional: tuple[int, int] | None  # (inputs answered, inputs needed) while not final

    @property
    def final(self) -> bool:
        return self.provisional is None and self.score is not None


@dataclass(frozen=True)
class UnitRow:
    unit: str  # the spelling of its latest response
    overall: tuple[Standing | None, ...]  # per round; None: no response that round


@dataclass(frozen=True)
class Change:
    unit: str
    key: str
    before: Standing | None  # in the previous round; None: no response
    after: Standing | None  # in the latest round
    kind: str  # one of CHANGE_ORDER
    why: str = ""  # for "not comparable": the reason


@dataclass(frozen=True)
class FormTrend:
    form: Form
    lower_is_better: bool  # risk: a lower level is better; readiness and completeness: higher is better
    responses: tuple[int, ...]  # kept responses per round
    results: tuple[ResultSeries, ...]  # in the form's order
    overall_key: str  # the result the per-unit table follows
    units: tuple[UnitRow, ...]  # units in unit-key order
    changes: tuple[Change, ...]  # regressions first (CHANGE_ORDER), then units and results in order
    unitless: int  # responses without a unit: counted in the figures, not followed from round to round

    def series(self, key: str) -> ResultSeries | None:
        return next((s for s in self.results if s.key == key), None)


@dataclass(frozen=True)
class Trends:
    rounds: tuple[str, ...]  # in natural order
    forms: tuple[FormTrend, ...]  # forms of the content with responses in these rounds, in the content's order

    @property
    def previous(self) -> str | None:
        return self.rounds[-2] if len(self.rounds) >= 2 else None

    @property
    def latest(self) -> str | None:
        return self.rounds[-1] if self.rounds else None


def compute_trends(store: Store, content: Content, until: str | None = None) -> Trends:
    """The trends of every form over the store's rounds up to `until` (default: all), in natural order.
    Round `unassigned` is not a point in time and is left out."""
    rounds = trend_rounds(store.rounds(), until)
    forms = []
    for form in content.forms:
        trend = form_trend(store, content, form, rounds)
        if any(trend.responses):
            forms.append(trend)
    return Trends(tuple(rounds), tuple(forms))


def trends_for(store: Store, content: Content, reported: Iterable[str]) -> Trends | None:
    """The trends a report on the rounds `reported` shows: up to the latest of them (None when there is none)."""
    labels = list(reported)
    return compute_trends(store, content, until=max(labels, key=round_order)) if labels else None


def trend_rounds(labels: Iterable[str], until: str | None) -> list[str]:
    dated = sorted((label for label in labels if label != UNASSIGNED), key=round_order)
    if until is None or until == UNASSIGNED:
        return dated
    return [label for label in dated if round_order(label) <= round_order(until)]


def lower_is_better(form: Form) -> bool:
    """A form whose results are likelihood × severity products measures risk: the lower, the better."""
    return any(rule.method == "product" for rule in form.results)


class _RoundTotals:
    """Running totals of one form in one round."""

    def __init__(self, form: Form):
        self.keys = [rule.key for rule in form.results]
        self.count = 0
        self.sums = {key: Decimal(0) for key in self.keys}  # exact: the same mean whatever the order
        self.scored = dict.fromkeys(self.keys, 0)
        self.provisional = dict.fromkeys(self.keys, 0)
        self.levels: dict[tuple[str, str], int] = {}

    def add(self, response: StoredResponse) -> None:
        self.count += 1
        for key in self.keys:
            if key in response.provisional:
                self.provisional[key] += 1
                continue
            if key in response.scores:
                self.sums[key] += Decimal(repr(response.scores[key]))
                self.scored[key] += 1
            if key in response.levels:
                self.levels[(key, response.levels[key])] = self.levels.get((key, response.levels[key]), 0) + 1

    def mean(self, key: str) -> float | None:
        return float(self.sums[key] / self.scored[key]) if self.scored[key] else None


def form_trend(store: Store, content: Content, form: Form, rounds: list[str]) -> FormTrend:
    """One form across `rounds`: one pass over each round's responses."""
    totals, by_unit, spelling, unitless = [], {}, {}, 0
    overall_key = "overall" if form.result("overall") else (form.results[0].key if form.results else "")
    last_two = set(rounds[-2:]) if len(rounds) >= 2 else set()
    for index, label in enumerate(rounds):
        round_totals = _RoundTotals(form)
        for response in store.responses(round=label, form=form.id):
            round_totals.add(response)
            if not response.unit_key:
                unitless += 1
                continue
            spelling[response.unit_key] = response.unit
            keys = round_totals.keys if label in last_two else [overall_key]
            standings = by_unit.setdefault(response.unit_key, [None] * len(rounds))
            standings[index] = {key: standing(response, key) for key in keys}
        totals.append(round_totals)
    units = tuple(UnitRow(spelling[key], tuple(s[overall_key] if s else None for s in by_unit[key])) for key in sorted(by_unit))
    changes = _changes(content, form, by_unit, spelling, len(rounds)) if len(rounds) >= 2 else ()
    return FormTrend(
        form=form,
        lower_is_better=lower_is_better(form),
        responses=tuple(t.count for t in totals),
        results=tuple(_series(form, rule.key, totals) for rule in form.results),
        overall_key=overall_key,
        units=units,
        changes=changes,
        unitless=unitless,
    )


def _series(form: Form, key: str, totals: list[_RoundTotals]) -> ResultSeries:
    rule = form.result(key)
    level_ids = [level.id for level in form.level_set(rule.levels or "")] if rule else []
    return ResultSeries(
        key=key,
        means=tuple(t.mean(key) for t in totals),
        scored=tuple(t.scored[key] for t in totals),
        provisional=tuple(t.provisional[key] for t in totals),
        levels=tuple((level, tuple(t.levels.get((key, level), 0) for t in totals)) for level in level_ids),
    )


def standing(response: StoredResponse, key: str) -> Standing:
    found = response.provisional.get(key)
    provisional = (int(found.get("answered", 0)), int(found.get("needed", 0))) if isinstance(found, dict) else None
    return Standing(response.version, response.scores.get(key), response.levels.get(key), provisional)


def _changes(content: Content, form: Form, by_unit: dict, spelling: dict, count: int) -> tuple[Change, ...]:
    rules = RuleComparison(content, form.id)
    found = []
    for unit_key in sorted(by_unit):
        before, after = by_unit[unit_key][count - 2], by_unit[unit_key][count - 1]
        if before is None and after is None:
            continue
        for rule in form.results:
            b, a = (side.get(rule.key) if side else None for side in (before, after))
            kind, why = classify(b, a, form, rule.key, rules)
            found.append(Change(spelling[unit_key], rule.key, b, a, kind, why))
    order = {key: i for i, key in enumerate(CHANGE_ORDER)}
    return tuple(sorted(found, key=lambda change: order[change.kind]))  # stable: units and results stay in order


def classify(before: Standing | None, after: Standing | None, form: Form, key: str, rules: RuleComparison) -> tuple[str, str]:
    """How one unit's result moved between two rounds, and why it cannot be compared when it cannot."""
    if before is None:
        return NEW, ""
    if after is None:
        return REMOVED, ""
    waiting = [side for side, s in (("previous", before), ("latest", after)) if s.provisional is not None]
    if waiting:
        return NOT_COMPARABLE, f"provisional in the {' and the '.join(waiting)} round"
    unscored = [side for side, s in (("previous", before), ("latest", after)) if s.score is None]
    if unscored:
        return NOT_COMPARABLE, f"no result in the {' and the '.join(unscored)} round"
    changed = rules.why_not_comparable(before.version, after.version, key)
    if changed:
        return NOT_COMPARABLE, changed
    order = _level_order(form, key)
    if before.level in order and after.level in order:
        old, new = order.index(before.level), order.index(after.level)
    else:
        old, new = before.score, after.score
    if old == new:
        return UNCHANGED, ""
    better = new < old if lower_is_better(form) else new > old
    return (IMPROVED if better else REGRESSED), ""


def _level_order(form: Form, key: str) -> list[str]:
    rule = form.result(key)
    return [level.id for level in form.level_set(rule.levels or "")] if rule else []


class RuleComparison:
    """Whether a result means the same under two content versions of one form (its rule, the questions it
    reads with their values, and its levels), remembered per pair of versions."""

    def __init__(self, content: Content, form_id: str):
        self.content, self.form_id = content, form_id
        self._signatures: dict[tuple[str, str], tuple | None] = {}

    def why_not_comparable(self, old: str, new: str, key: str) -> str:
        if old == new:
            return ""
        missing = [v for v in (old, new) if self.content.form_version(self.form_id, v) is None]
        if missing:
            return f"the rules of version {missing[0]} are not in this content"
        if self._signature(old, key) != self._signature(new, key):
            return f"the rule changed between versions {old} and {new}"
        return ""

    def _signature(self, version: str, key: str) -> tuple | None:
        if (version, key) not in self._signatures:
            form = self.content.form_version(self.form_id, version)
            self._signatures[(version, key)] = rule_signature(form, key) if form else None
        return self._signatures[(version, key)]


def rule_signature(form: Form, key: str) -> tuple | None:
    """What decides a result's score and level, without its wording: equal signatures score alike."""
    rule = form.result(key)
    if rule is None:
        return None
    read = [*form.rule_questions(rule), *(form.question(c.question) for c in rule.conditions if c.question)]
    questions = tuple(
        (q.id, q.kind, tuple((c.id, c.value, c.floor) for c in q.choices), q.show_if) for q in read if q is not None
    )
    levels = tuple((lv.id, lv.minimum, lv.below, lv.maximum) for lv in form.level_set(rule.levels or ""))
    # The results it is made of, and those its conditions ask about, count as part of it.
    inputs = tuple(rule_signature(form, k) for k in (*rule.results, *(c.result for c in rule.conditions if c.result)))
    return (rule.method, questions, inputs, rule.conditions, levels, rule.decimals, rule.dont_know)
