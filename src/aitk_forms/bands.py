"""The band of scores of each level, as a person scoring by hand can use it, for every output that prints one
(the Excel About sheet, the printed pack's scoring guide).

Whole-number results print the scores a level can really take (products of likelihood and severity reach
1–4, 5–9, 10–16, 20–25, never 17); continuous ones print "from – to under" (a mean of 1.99 still falls under
2); a verdict (an `any` result, yes or no) prints no numbers at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product as cartesian
from math import prod

from .model import Form, Level, ResultRule

MAX_COMBINATIONS = 100_000  # beyond this a rule's reachable scores are treated as continuous


@dataclass(frozen=True)
class Band:
    """The scores of one level: `low` to `high` inclusive, or `low` to under `below`; no numbers for a verdict."""

    low: float | None = None
    high: float | None = None
    below: float | None = None
    decimals: int = 2  # the places results of this band are rounded to
    verdict: bool = False  # a yes-or-no result: no numbers


def plain(value: float) -> str:
    """A score as printed: 5, 1.5 (never 5.0)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def level_bands(form: Form, set_name: str) -> dict[str, Band]:
    """Level id -> its band, for every level of the set (an empty Band where no score can reach a level)."""
    rules = [r for r in form.results if r.levels == set_name]
    levels = form.level_set(set_name)
    if rules and all(r.method == "any" for r in rules):
        return {level.id: Band(verdict=True) for level in levels}
    reachable = _reachable_of(form, rules)
    decimals = max((r.decimals for r in rules), default=2)
    return {level.id: _band(level, reachable, decimals) for level in levels}


def is_discrete(form: Form, set_name: str) -> bool:
    """True when the scores of a level set are a known set of values (no rounding for a person to do)."""
    rules = [r for r in form.results if r.levels == set_name and r.method != "any"]
    return bool(rules) and _reachable_of(form, rules) is not None


def band_texts(form: Form, set_name: str) -> dict[str, str]:
    """Level id -> its band as a short range ("1 – 4", "20 – 25", "100", "1 – 1.99"), or "" for verdicts.

    Ranges, not inequalities: LibreOffice reorders "0 ≤ … < 1" in a right-to-left sheet without mirroring
    the signs; "0 – 1" reads right in either direction."""
    return {key: _range_text(band) for key, band in level_bands(form, set_name).items()}


def band_words(band: Band, from_to: str, from_to_under: str) -> str:
    """A band in words, with the language's own "from {low} to {high}" and "from {low} to under {below}"
    (placeholders filled here); a single value prints alone, a verdict as ""."""
    if band.low is None:
        return ""
    if band.below is not None:
        return from_to_under.format(low=plain(band.low), below=plain(band.below))
    high = band.high if band.high is not None else band.low
    if high == band.low:
        return plain(band.low)
    return from_to.format(low=plain(band.low), high=plain(high))


def _range_text(band: Band) -> str:
    if band.low is None:
        return ""
    high = band.high
    if band.below is not None:  # the last value a rounded result can show under the next level
        high = round(band.below - 10**-band.decimals, band.decimals) if band.decimals else band.below - 1
    if high is None or high == band.low:
        return plain(band.low)
    return f"{plain(band.low)} – {plain(high)}"


def _band(level: Level, reachable: set[float] | None, decimals: int) -> Band:
    if reachable is not None:
        inside = sorted(v for v in reachable if level.contains(v))
        return Band(inside[0], inside[-1], decimals=decimals) if inside else Band()
    if level.below is not None:
        return Band(level.minimum, below=level.below, decimals=decimals)
    return Band(level.minimum, level.maximum if level.maximum is not None else level.minimum, decimals=decimals)


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
    # A "higher of" factor takes any value one of its questions can take.
    factors = form.rule_factors(rule)
    options = [sorted({float(c.value) for q in factor for c in q.choices if c.value is not None}) for factor in factors]
    options = [o for o in options if o]
    if not options or rule.method not in ("product", "max"):
        return None
    if rule.method == "max":
        return {v for o in options for v in o}
    if prod(len(o) for o in options) > MAX_COMBINATIONS:
        return None
    return {float(prod(combo)) for combo in cartesian(*options)}
