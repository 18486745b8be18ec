"""How trends and changes read in the reports (English, as the rest of the consolidated report): one place
for the workbook's sheets and the narrative's section."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Form
from .summary import REPORT_LANG, level_label, printable
from .trends import CHANGE_ORDER, UNCHANGED, Change, FormTrend, Standing, Trends


def result_label(form: Form, key: str) -> str:
    rule = form.result(key)
    return rule.label.get(REPORT_LANG) if rule else key


def level_name(form: Form, key: str, level_id: str) -> str:
    rule = form.result(key)
    return level_label(form, rule, level_id) if rule else level_id


def figure(value: float | None) -> str:
    """A score as the report prints it: at most two decimals, no trailing zeros."""
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def standing_text(form: Form, key: str, standing: Standing | None) -> str:
    """ "12 (High)", "provisional (1 of 2 inputs known)", "no result", or "–" when there was no response."""
    if standing is None:
        return "–"
    if standing.provisional is not None:
        answered, needed = standing.provisional
        return f"provisional ({answered} of {needed} inputs known)"
    if standing.score is None:
        return "no result"
    if standing.level:
        return f"{figure(standing.score)} ({level_name(form, key, standing.level)})"
    return figure(standing.score)


def ordered_changes(trends: Trends) -> list[tuple[FormTrend, Change]]:
    """Every change of every form, regressions first; within a kind, forms, units and results in order."""
    order = {kind: i for i, kind in enumerate(CHANGE_ORDER)}
    found = [(trend, change) for trend in trends.forms for change in trend.changes]
    return sorted(found, key=lambda pair: order[pair[1].kind])


def change_counts(trends: Trends) -> dict[str, int]:
    counts = dict.fromkeys(CHANGE_ORDER, 0)
    for trend in trends.forms:
        for change in trend.changes:
            counts[change.kind] += 1
    return counts


def form_title(trend: FormTrend) -> str:
    return trend.form.title.get(REPORT_LANG)


def listed_changes(trends: Trends) -> Iterator[tuple[str, ...]]:
    """The rows the narrative lists: every change but "unchanged" (counted, not listed), regressions first:
    (change and why, form, unit, result, previous round, latest round). Made as they are taken: the narrative
    takes the first few hundred of what may be tens of thousands."""
    for trend, change in ordered_changes(trends):
        if change.kind == UNCHANGED:
            continue
        form = trend.form
        kind = f"{change.kind}: {change.why}" if change.why else change.kind
        before, after = (standing_text(form, change.key, side) for side in (change.before, change.after))
        yield (kind, form_title(trend), printable(change.unit), result_label(form, change.key), before, after)
