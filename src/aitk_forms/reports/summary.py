"""The figures every consolidated report shows, computed once from an import: per form, per result.

The workbook, the Word report and the PDF report all render these dataclasses; none of them
recomputes a mean or re-reads an answer. The report is for the coordinator, so it is in English;
respondents' own text (agency, use case) is kept as they wrote it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..model import Content, Form, ResultRule
from ..outcomes import FileResult, ImportResult
from ..scoring import floored_level
from .running import Responses, ResultTally

REPORT_LANG = "en"
ACCEPTED = ("accepted", "accepted_with_warnings")
HIGH_RISK = ("high", "extremely_high")  # the risk level ids that INTERFACES.md names
FULL_TOOLKIT = "full_toolkit"
WEAKEST = 3  # how many of the lowest readiness dimensions the narrative discusses
# The high-risk use cases the narrative lists, highest overall score first; a reader finds every one of them on the
# Scores sheet of consolidated.xlsx, and a summary that kept them all would grow with the responses.
RISK_CASES = 100
# Characters that XML 1.0 (docx, xlsx, the PDF's HTML) cannot hold; a respondent's text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class LevelCount:
    id: str
    label: str
    count: int


@dataclass(frozen=True)
class ResultSummary:
    """One result across the accepted responses: its spread and how many fell in each level."""

    key: str
    label: str
    scored: int  # responses with a score for this result
    mean: float | None
    minimum: float | None
    maximum: float | None
    spread: float | None  # population standard deviation; 0 for a single response
    levels: tuple[LevelCount, ...]
    recommendation: str | None = None  # the section's recommendation, where the result is one section's
    provisional: int = 0  # responses where this result is not final yet: no score, no level


@dataclass(frozen=True)
class RiskCase:
    """A use case assessed at high or extremely high risk, with the principles that put it there."""

    name: str
    path: str
    score: float
    level: str
    level_id: str
    principles: tuple[tuple[str, float, str], ...]  # (principle, score, level) at high or extremely high
    full_toolkit: bool | None


@dataclass(frozen=True)
class HeatMap:
    """Counts of (likelihood, severity) answer pairs over every principle of every accepted response."""

    rows: tuple[str, ...]  # likelihood labels, lowest first
    columns: tuple[str, ...]  # severity labels, lowest first
    row_values: tuple[float, ...]
    column_values: tuple[float, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[row][column]
    level_ids: tuple[tuple[str, ...], ...]  # the risk level of each cell's product


@dataclass(frozen=True)
class FormSummary:
    form: Form
    title: str
    responses: Responses  # accepted, in import order (or the store's): read again from their source when iterated
    languages: tuple[tuple[str, int], ...]  # language code, responses
    overall: ResultSummary | None
    parts: tuple[ResultSummary, ...]  # dimensions, principles or stages: the results computed from answers
    is_risk: bool  # parts are likelihood x severity products
    weakest: tuple[ResultSummary, ...]
    risk_cases: tuple[RiskCase, ...]  # the first RISK_CASES high-risk cases, highest overall score first, then by name
    heat_map: HeatMap | None
    full_toolkit: tuple[int, int]  # responses for which the full toolkit applies, responses where it is known
    risk_count: int  # every high-risk case, listed or not


@dataclass(frozen=True)
class ReportSummary:
    content: Content
    files: dict[str, int]
    forms: tuple[FormSummary, ...]  # only forms with at least one accepted response

    @property
    def accepted(self) -> int:
        return self.files["accepted"] + self.files["accepted_with_warnings"]


def summarise(content: Content, result: ImportResult) -> ReportSummary:
    """Everything the reports show about `result`, forms in the content's order. Each form's responses are read
    once, one at a time, into running figures (running.py); the sheets that list them read them again."""
    forms = []
    for form in content.forms:
        summary = summarise_form(form, lambda form_id=form.id: iter(result.covered_of(form_id)))
        if summary is not None:
            forms.append(summary)
    return ReportSummary(content, result.summary(), tuple(forms))


def summarise_form(form: Form, replay: Callable[[], Iterator[FileResult]]) -> FormSummary | None:
    """The summary of the responses `replay` yields (None when it yields none), read in one pass."""
    tallies = {rule.key: ResultTally(rule.key) for rule in form.results}
    part_rules = [r for r in form.results if _is_part(r)]
    is_risk = bool(part_rules) and all(r.method == "product" for r in part_rules)
    languages: Counter[str] = Counter()
    toolkit, count, cases = Counter(), 0, LeadingCases(RISK_CASES)
    cells = HeatCells(form) if is_risk else None
    for response in replay():
        count += 1
        for tally in tallies.values():
            tally.add(response)
        languages[response.lang or "?"] += 1
        if FULL_TOOLKIT in response.scores:
            toolkit[response.scores[FULL_TOOLKIT] == 1] += 1
        if is_risk:
            cases.add(_risk_case(form, response, part_rules))
            cells.add(response)
    if not count:
        return None
    summaries = {rule.key: result_summary(form, rule, tallies[rule.key]) for rule in form.results}
    parts = tuple(summaries[r.key] for r in part_rules)
    return FormSummary(
        form=form,
        title=form.title.get(REPORT_LANG),
        responses=Responses(replay, count),
        languages=tuple(sorted(languages.items())),
        overall=summaries.get("overall"),
        parts=parts,
        is_risk=is_risk,
        weakest=() if is_risk else _weakest(parts),
        risk_cases=cases.leading(),
        heat_map=cells.heat_map() if cells is not None else None,
        full_toolkit=(toolkit[True], toolkit[True] + toolkit[False]),
        risk_count=cases.count,
    )


@dataclass
class LeadingCases:
    """The first `limit` of a stream of risk cases in the narrative's order (highest overall score first, then by
    name, then as they came), and how many there were: at most twice `limit` are held at any time."""

    limit: int
    count: int = 0
    kept: list[RiskCase] = field(default_factory=list)

    def add(self, found: list[RiskCase]) -> None:
        self.count += len(found)
        self.kept.extend(found)
        if len(self.kept) >= 2 * self.limit:
            self.kept = self._sorted()  # a stable sort: what follows in the stream still comes after its equals

    def leading(self) -> tuple[RiskCase, ...]:
        return tuple(self._sorted())

    def _sorted(self) -> list[RiskCase]:
        return sorted(self.kept, key=lambda c: (-c.score, c.name))[: self.limit]


def result_summary(form: Form, rule: ResultRule, tally: ResultTally) -> ResultSummary:
    figures = tally.figures
    level_set = form.level_set(rule.levels) if rule.levels else ()
    section = next((s for s in form.sections if s.id == rule.section), None)
    mean, spread = figures.mean(), figures.spread()
    return ResultSummary(
        key=rule.key,
        label=rule.label.get(REPORT_LANG),
        scored=figures.count,
        mean=round(mean, 2) if mean is not None else None,
        minimum=figures.minimum,
        maximum=figures.maximum,
        spread=round(spread, 2) if spread is not None else None,
        levels=tuple(LevelCount(lv.id, lv.label.get(REPORT_LANG), tally.levels[lv.id]) for lv in level_set),
        recommendation=section.recommendation.get(REPORT_LANG) if section and section.recommendation else None,
        provisional=tally.provisional,
    )


def respondent_name(form: Form, response: FileResult) -> str:
    """Who answered, as the respondent fields say (agency, use case, system), else the file name."""
    values = [printable(response.answers[q]).strip() for q in form.respondent if q in response.answers]
    return " · ".join(v for v in values if v) or printable(response.path.rsplit("/", 1)[-1])


def printable(value: object) -> str:
    """`value` as text without the characters that XML cannot hold."""
    return _NOT_XML.sub("", str(value))


def level_label(form: Form, rule: ResultRule, level_id: str) -> str:
    """A level's English label (a response's own level labels are in its language)."""
    found = next((lv for lv in form.level_set(rule.levels or "") if lv.id == level_id), None)
    return found.label.get(REPORT_LANG) if found else level_id


def _is_part(rule: ResultRule) -> bool:
    """A result computed from answers, not from other results nor from conditions: a dimension, principle or stage."""
    return not rule.results and rule.method != "any"


def _weakest(parts: tuple[ResultSummary, ...]) -> tuple[ResultSummary, ...]:
    """The lowest-scoring parts that carry a recommendation; ties keep the form's order."""
    scored = [p for p in parts if p.mean is not None and p.recommendation]
    return tuple(sorted(scored, key=lambda p: p.mean)[:WEAKEST])


def _risk_case(form: Form, response: FileResult, part_rules: list[ResultRule]) -> list[RiskCase]:
    """The response as a high-risk case (a list of one), or an empty list."""
    overall = form.result("overall")
    level = response.levels.get("overall", {}).get("id")
    if overall is None or level not in HIGH_RISK:
        return []
    principles = tuple(
        (rule.label.get(REPORT_LANG), response.scores[rule.key], level_label(form, rule, response.levels[rule.key]["id"]))
        for rule in part_rules
        if response.levels.get(rule.key, {}).get("id") in HIGH_RISK
    )
    toolkit = response.scores.get(FULL_TOOLKIT)
    case = RiskCase(
        name=respondent_name(form, response),
        path=response.path,
        score=response.scores["overall"],
        level=level_label(form, overall, level),
        level_id=level,
        principles=tuple(sorted(principles, key=lambda p: -p[1])),
        full_toolkit=None if toolkit is None else toolkit == 1,
    )
    return [case]


def heat_map(form: Form, responses: Iterable[FileResult]) -> HeatMap | None:
    """Likelihood (first question of each product) against severity (second), counted over every principle."""
    cells = HeatCells(form)
    for response in responses:
        cells.add(response)
    return cells.heat_map()


class HeatCells:
    """The heat map's counts, kept while the responses stream past."""

    def __init__(self, form: Form):
        self.form = form
        self.rules = [r for r in form.results if r.method == "product" and len(r.questions) == 2]
        first, second = (form.question(q) for q in self.rules[0].questions) if self.rules else (None, None)
        self.rows = [c for c in first.choices if c.value is not None] if first else []
        self.columns = [c for c in second.choices if c.value is not None] if second else []
        self.counts = [[0] * len(self.columns) for _ in self.rows]
        self.row_index = {c.value: i for i, c in enumerate(self.rows)}
        self.column_index = {c.value: i for i, c in enumerate(self.columns)}

    def add(self, response: FileResult) -> None:
        for rule in self.rules:
            if rule.key not in response.scores:  # not scored: unanswered, or hidden by its condition
                continue
            likelihood, severity = (self.form.question(q).value_of(str(response.answers.get(q))) for q in rule.questions)
            if likelihood in self.row_index and severity in self.column_index:
                self.counts[self.row_index[likelihood]][self.column_index[severity]] += 1

    def heat_map(self) -> HeatMap | None:
        if not self.rules:
            return None
        rule = self.rules[0]
        rows, columns = self.rows, self.columns
        return HeatMap(
            rows=tuple(c.label.get(REPORT_LANG) for c in rows),
            columns=tuple(c.label.get(REPORT_LANG) for c in columns),
            row_values=tuple(c.value for c in rows),
            column_values=tuple(c.value for c in columns),
            counts=tuple(tuple(r) for r in self.counts),
            level_ids=tuple(tuple(_id(floored_level(self.form, rule, r.value * c.value, (r, c))) for c in columns) for r in rows),
        )


def _id(level) -> str:
    return level.id if level is not None else ""
