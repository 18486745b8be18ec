"""The band of each level as a respondent can use it on the About sheet: the scores a level can really take
for whole-number results (products of likelihood and severity reach 1–4, 5–9, 10–16, 20–25, never 17),
"from – to" with the last shown decimal for continuous ones (a mean shown as 1.99 still falls under 2),
and no numbers at all for a verdict (an `any` result is yes or no)."""

from __future__ import annotations

from itertools import product as cartesian
from math import prod

from ...model import Form, Level, ResultRule
from .formulas import plain

MAX_COMBINATIONS = 100_000  # beyond this a rule's reachable scores are treated as continuous


def band_texts(form: Form, set_name: str) -> dict[str, str]:
    """Level id -> its band ("1 – 4", "20 – 25", "100", "1 – 1.99"), or "" for verdicts."""
    rules = [r for r in form.results if r.levels == set_name]
    levels = form.level_set(set_name)
    if rules and all(r.method == "any" for r in rules):
        return {level.id: "" for level in levels}
    reachable = _reachable_of(form, rules)
    decimals = max((r.decimals for r in rules), default=2)
    return {level.id: _band(level, reachable, decimals) for level in levels}


def _band(level: Level, reachable: set[float] | None, decimals: int) -> str:
    if reachable is not None:
        inside = sorted(v for v in reachable if level.contains(v))
        if not inside:
            return ""
        low, high = inside[0], inside[-1]
    else:
        low = level.minimum
        if level.below is not None:
            high = level.below - 10**-decimals if decimals else level.below - 1
        else:
            high = level.maximum if level.maximum is not None else level.minimum
    return plain(low) if low == high else f"{plain(low)} – {plain(round(high, decimals))}"


def _reachable_of(form: Form, rules: list[ResultRule]) -> set[float] | None:
    """Every score the rules using a level set can reach, or None when one of them is continuous."""
    values: set[float] = set()
    for rule in rules:
        scores = _reachable(form, rule)
        if scores is None:
            return None
        values |= scores
    return values


def _reachable(form: Form, rule: ResultRule) -> set[float] | None:
    if rule.method == "any":
        return set()
    if rule.results:
        if rule.method != "max":
            return None  # a mean of results is continuous
        inputs = [r for r in form.results if r.key in rule.results]
        return _reachable_of(form, inputs)
    options = [sorted({float(c.value) for c in q.choices if c.value is not None}) for q in form.rule_questions(rule)]
    options = [o for o in options if o]
    if not options or rule.method not in ("product", "max"):
        return None
    if rule.method == "max":
        return {v for o in options for v in o}
    if prod(len(o) for o in options) > MAX_COMBINATIONS:
        return None
    return {float(prod(combo)) for combo in cartesian(*options)}
