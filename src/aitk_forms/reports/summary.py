"""The figures every consolidated report shows, computed once from an import: per form, per result.

The workbook, the Word report and the PDF report all render these dataclasses; none of them
recomputes a mean or re-reads an answer. The report is for the coordinator, so it is in English;
respondents' own text (agency, use case) is kept as they wrote it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from ..model import Content, Form, ResultRule
from ..outcomes import FileResult, ImportResult

REPORT_LANG = "en"
ACCEPTED = ("accepted", "accepted_with_warnings")
HIGH_RISK = ("high", "extremely_high")  # the risk level ids that INTERFACES.md names
FULL_TOOLKIT = "full_toolkit"
WEAKEST = 3  # how many of the lowest readiness dimensions the narrative discusses
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
    responses: tuple[FileResult, ...]  # accepted, in import order
    languages: tuple[tuple[str, int], ...]  # language code, responses
    overall: ResultSummary | None
    parts: tuple[ResultSummary, ...]  # dimensions, principles or stages: the results computed from answers
    is_risk: bool  # parts are likelihood x severity products
    weakest: tuple[ResultSummary, ...]
    risk_cases: tuple[RiskCase, ...]
    heat_map: HeatMap | None
    full_toolkit: tuple[int, int]  # responses for which the full toolkit applies, responses where it is known


@dataclass(frozen=True)
class ReportSummary:
    content: Content
    files: dict[str, int]
    forms: tuple[FormSummary, ...]  # only forms with at least one accepted response

    @property
    def accepted(self) -> int:
        return self.files["accepted"] + self.files["accepted_with_warnings"]


def summarise(content: Content, result: ImportResult) -> ReportSummary:
    """Everything the reports show about `result`, forms in the content's order."""
    forms = []
    for form in content.forms:
        responses = tuple(f for f in result.covered() if f.form == form.id)
        if responses:
            forms.append(summarise_form(form, responses))
    return ReportSummary(content, result.summary(), tuple(forms))


def summarise_form(form: Form, responses: tuple[FileResult, ...]) -> FormSummary:
    summaries = {rule.key: summarise_result(form, rule, responses) for rule in form.results}
    parts = tuple(summaries[r.key] for r in form.results if _is_part(r))
    is_risk = bool(parts) and all(form.result(p.key).method == "product" for p in parts)
    weakest = () if is_risk else _weakest(parts)
    languages: dict[str, int] = {}
    for response in responses:
        languages[response.lang or "?"] = languages.get(response.lang or "?", 0) + 1
    toolkit = [r.scores[FULL_TOOLKIT] for r in responses if FULL_TOOLKIT in r.scores]
    return FormSummary(
        form=form,
        title=form.title.get(REPORT_LANG),
        responses=responses,
        languages=tuple(sorted(languages.items())),
        overall=summaries.get("overall"),
        parts=parts,
        is_risk=is_risk,
        weakest=weakest,
        risk_cases=_risk_cases(form, responses, parts) if is_risk else (),
        heat_map=heat_map(form, responses) if is_risk else None,
        full_toolkit=(sum(1 for v in toolkit if v == 1), len(toolkit)),
    )


def summarise_result(form: Form, rule: ResultRule, responses: tuple[FileResult, ...]) -> ResultSummary:
    scores = [float(r.scores[rule.key]) for r in responses if rule.key in r.scores]
    level_set = form.level_set(rule.levels) if rule.levels else ()
    ids = [r.levels[rule.key]["id"] for r in responses if rule.key in r.levels]
    section = next((s for s in form.sections if s.id == rule.section), None)
    return ResultSummary(
        key=rule.key,
        label=rule.label.get(REPORT_LANG),
        scored=len(scores),
        mean=round(statistics.fmean(scores), 2) if scores else None,
        minimum=min(scores) if scores else None,
        maximum=max(scores) if scores else None,
        spread=round(statistics.pstdev(scores), 2) if scores else None,
        levels=tuple(LevelCount(lv.id, lv.label.get(REPORT_LANG), ids.count(lv.id)) for lv in level_set),
        recommendation=section.recommendation.get(REPORT_LANG) if section and section.recommendation else None,
        provisional=sum(rule.key in r.provisional for r in responses),
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


def _risk_cases(form: Form, responses: tuple[FileResult, ...], parts: tuple[ResultSummary, ...]) -> tuple[RiskCase, ...]:
    overall = form.result("overall")
    cases = []
    for response in responses:
        level = response.levels.get("overall", {}).get("id")
        if overall is None or level not in HIGH_RISK:
            continue
        principles = tuple(
            (p.label, response.scores[p.key], level_label(form, form.result(p.key), response.levels[p.key]["id"]))
            for p in parts
            if response.levels.get(p.key, {}).get("id") in HIGH_RISK
        )
        toolkit = response.scores.get(FULL_TOOLKIT)
        cases.append(
            RiskCase(
                name=respondent_name(form, response),
                path=response.path,
                score=response.scores["overall"],
                level=level_label(form, overall, level),
                level_id=level,
                principles=tuple(sorted(principles, key=lambda p: -p[1])),
                full_toolkit=None if toolkit is None else toolkit == 1,
            )
        )
    return tuple(sorted(cases, key=lambda c: (-c.score, c.name)))


def heat_map(form: Form, responses: tuple[FileResult, ...]) -> HeatMap | None:
    """Likelihood (first question of each product) against severity (second), counted over every principle."""
    rules = [r for r in form.results if r.method == "product" and len(r.questions) == 2]
    if not rules:
        return None
    first, second = (form.question(q) for q in rules[0].questions)
    rows = [c for c in first.choices if c.value is not None]
    columns = [c for c in second.choices if c.value is not None]
    counts = [[0] * len(columns) for _ in rows]
    row_index = {c.value: i for i, c in enumerate(rows)}
    column_index = {c.value: i for i, c in enumerate(columns)}
    for response in responses:
        for rule in rules:
            if rule.key not in response.scores:  # not scored: unanswered, or hidden by its condition
                continue
            likelihood, severity = (form.question(q).value_of(str(response.answers.get(q))) for q in rule.questions)
            if likelihood in row_index and severity in column_index:
                counts[row_index[likelihood]][column_index[severity]] += 1
    levels = form.level_set(rules[0].levels or "")
    return HeatMap(
        rows=tuple(c.label.get(REPORT_LANG) for c in rows),
        columns=tuple(c.label.get(REPORT_LANG) for c in columns),
        row_values=tuple(c.value for c in rows),
        column_values=tuple(c.value for c in columns),
        counts=tuple(tuple(r) for r in counts),
        level_ids=tuple(
            tuple(next((lv.id for lv in levels if lv.contains(r.value * c.value)), "") for c in columns) for r in rows
        ),
    )
