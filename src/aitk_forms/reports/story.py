"""The narrative report as a sequence of blocks (headings, paragraphs, tables, figures), built once.

report.pdf (HTML through a Jinja2 template) and report.docx (python-docx) both render this same
sequence, so the two say exactly the same thing. The wording is in templates/report/texts.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from itertools import islice

import yaml
from jinja2 import Environment, StrictUndefined

from ..model import Content
from ..outcomes import ImportResult
from ..resources import template_folder
from ..scoring import level_for
from .charts import Chart, charts_for
from .summary import FormSummary, ReportSummary, ResultSummary, printable, summarise
from .trends import UNCHANGED, Trends
from .trends_text import change_counts, listed_changes


@dataclass(frozen=True)
class Heading:
    level: int  # 1 title, 2 section, 3 subsection
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # body | subtitle | note | recommendation


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]  # right-aligned columns
    style: str = "data"  # data | log
    caption: str = ""
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Figure:
    chart: Chart
    caption: str


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass
class Story:
    title: str
    blocks: list = field(default_factory=list)


@cache
def _wording() -> dict[str, str]:
    return yaml.safe_load((template_folder("report") / "texts.yaml").read_text(encoding="utf-8"))


@cache
def _template(key: str):
    return Environment(undefined=StrictUndefined, autoescape=False).from_string(_wording()[key])


def say(key: str, **values: object) -> str:
    """The report text `key`, filled in with `values`, on one line."""
    return " ".join(_template(key).render(**values).split())


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def build_story(content: Content, result: ImportResult, summary: ReportSummary | None = None) -> Story:
    """The whole report: title, overview, a section per form, and the import log as an annex."""
    summary = summary or summarise(content, result)
    story = Story(say("title"))
    story.blocks += [Heading(1, story.title), Paragraph(say("subtitle", name=content.name, version=content.version), "subtitle")]
    story.blocks += _overview(summary) + _changes(result.trends)
    figures = 0
    for form in summary.forms:
        blocks, figures = _form_section(form, figures)
        story.blocks += blocks
    story.blocks += [PageBreak()] + _annex(result)
    return story


def _overview(summary: ReportSummary) -> list:
    s = summary.files
    blocks: list = [Heading(2, say("overview_title"))]
    blocks.append(
        Paragraph(
            say(
                "overview_files",
                files=s["files"],
                accepted=summary.accepted,
                warnings=s["accepted_with_warnings"],
                duplicates=s["duplicate"],
                rejected=s["rejected"],
            )
        )
    )
    if not summary.forms:
        return blocks + [Paragraph(say("overview_none"))]
    rows = []
    for form in summary.forms:
        overall = form.overall
        common = max(overall.levels, key=lambda lv: lv.count) if overall and overall.levels else None
        rows.append(
            (
                form.title,
                str(len(form.responses)),
                number(overall.mean if overall else None),
                common.label if common and common.count else "–",
            )
        )
    headers = tuple(
        say(k) for k in ("overview_table_form", "overview_table_responses", "overview_table_overall", "overview_table_level")
    )
    blocks.append(Table(headers, tuple(rows), (False, True, True, False), widths=(4, 2, 2, 3)))
    return blocks


def _changes(trends: Trends | None) -> list:
    """Changes since the previous round (reports/trends.py), regressions first; unchanged results are counted."""
    if trends is None or trends.previous is None or not trends.forms:
        return []
    counts = {kind.replace(" ", "_"): count for kind, count in change_counts(trends).items()}
    rounds = {"previous": trends.previous, "latest": trends.latest}
    blocks: list = [Heading(2, say("changes_title", **rounds)), Paragraph(say("changes_intro", **rounds, **counts))]
    rows = tuple(islice(listed_changes(trends), CHANGE_ROWS))
    if rows:
        headers = tuple(say(f"column_{k}", **rounds) for k in ("change", "form", "unit", "result", "previous", "latest"))
        blocks.append(Table(headers, rows, (False,) * 6, widths=(3.2, 2.6, 3.2, 2.6, 2.2, 2.2)))
    listed = sum(count for kind, count in change_counts(trends).items() if kind != UNCHANGED)
    if listed > CHANGE_ROWS:
        blocks.append(Paragraph(say("changes_more", count=listed - CHANGE_ROWS)))
    return blocks


CHANGE_ROWS = 300  # the rest are on the "Changes" sheet of consolidated.xlsx


def _form_section(form: FormSummary, figures: int) -> tuple[list, int]:
    languages = ", ".join(f"{lang}: {n}" for lang, n in form.languages)
    blocks: list = [Heading(2, form.title), Paragraph(say("form_intro", count=len(form.responses), languages=languages))]
    if form.overall and form.overall.mean is not None:
        o = form.overall
        level = max(o.levels, key=lambda lv: lv.count).label if o.levels else ""
        level = _level_of_mean(form, o) or level
        blocks.append(
            Paragraph(
                say(
                    "overall_sentence",
                    label=o.label,
                    mean=number(o.mean),
                    level=level,
                    minimum=number(o.minimum),
                    maximum=number(o.maximum),
                    spread=number(o.spread),
                )
            )
        )
    for chart in charts_for(form):
        figures += 1
        caption = _caption(form, chart, figures)
        blocks.append(Figure(chart, caption))
    blocks.append(_results_table(form))
    if form.is_risk:
        blocks += _risk_blocks(form)
    elif form.weakest:
        blocks += _weakest_blocks(form)
    return blocks, figures


def _caption(form: FormSummary, chart: Chart, number_: int) -> str:
    if not form.is_risk:
        kind = "caption_means"
    else:
        kind = "caption_heat_map" if chart.alt.startswith("Heat map") else "caption_levels"
    return say("figure_caption", number=number_, caption=say(kind, form=form.title))


def _results_table(form: FormSummary) -> Table:
    results = list(form.parts) + ([form.overall] if form.overall else [])
    levels = form.parts[0].levels if form.parts else ()
    headers = (say("column_result"), say("column_responses"), say("column_mean"), say("column_range"), say("column_spread"))
    rows = []
    for r in results:
        span = f"{number(r.minimum)}–{number(r.maximum)}" if r.minimum is not None else "–"
        counts = tuple(str(lv.count) for lv in r.levels) + (str(r.provisional),)
        rows.append((r.label, str(r.scored), number(r.mean), span, number(r.spread)) + counts)
    numeric = (False,) + (True,) * (len(headers) + len(levels))
    widths = (2.6, 1.8, 1.2, 1.5, 1.4) + (2.0,) * len(levels) + (1.9,)
    return Table(
        headers + tuple(lv.label for lv in levels) + (say("column_provisional"),),
        tuple(rows),
        numeric,
        caption=say("results_caption", form=form.title),
        widths=widths,
    )


def _weakest_blocks(form: FormSummary) -> list:
    blocks: list = [Heading(3, say("weakest_title")), Paragraph(say("weakest_intro"))]
    for part in form.weakest:
        blocks.append(
            Paragraph(say("weakest_item", label=part.label, mean=number(part.mean), level=_level_of_mean(form, part)), "item")
        )
        blocks.append(Paragraph(part.recommendation or "", "recommendation"))
    return blocks


def _risk_blocks(form: FormSummary) -> list:
    blocks: list = [Heading(3, say("high_risk_title"))]
    cases = form.risk_cases
    if not cases:
        blocks.append(Paragraph(say("high_risk_none")))
    else:
        blocks.append(Paragraph(say("high_risk_intro", count=form.risk_count, total=len(form.responses))))
        rows = tuple(
            (
                case.name,
                f"{case.level} ({number(case.score)})",
                _principles_by_level(case.principles),
                say(
                    "full_toolkit_unknown"
                    if case.full_toolkit is None
                    else "full_toolkit_yes"
                    if case.full_toolkit
                    else "full_toolkit_no"
                ),
            )
            for case in cases
        )
        headers = tuple(say(k) for k in ("column_use_case", "column_overall", "column_principles", "column_full_toolkit"))
        blocks.append(Table(headers, rows, (False,) * 4, widths=(3.5, 2.2, 5.5, 1.8)))
        if form.risk_count > len(cases):  # summary.RISK_CASES are listed, highest overall score first
            blocks.append(Paragraph(say("high_risk_more", count=form.risk_count - len(cases), listed=len(cases))))
    applies, known = form.full_toolkit
    if known:
        blocks.append(Paragraph(say("full_toolkit_sentence", applies=applies, known=known, unknown=len(form.responses) - known)))
    return blocks


def _principles_by_level(principles: tuple[tuple[str, float, str], ...]) -> str:
    """ "Extremely high: Privacy 25, Accuracy 20. High: Necessity 12." (highest first, as they come)."""
    groups: dict[str, list[str]] = {}
    for principle, score, level in principles:
        groups.setdefault(level, []).append(f"{principle} {number(score)}")
    return " ".join(f"{level}: {', '.join(names)}." for level, names in groups.items())


def _annex(result: ImportResult) -> list:
    """The files that need attention, each with its reasons; clean files are counted, not listed:
    a thousand rows would bury the few that matter (all are in import-log.csv and consolidated.xlsx)."""
    headers = tuple(say(k) for k in ("column_file", "column_status", "column_form", "column_language", "column_reason"))
    rows, clean, total, more = [], 0, 0, 0
    for f in result.files:  # one pass, holding only the listed files: the files may be read from the store
        total += 1
        clean += f.status == "accepted"
        if f.status in ("accepted", "known"):
            continue
        if len(rows) == ANNEX_ROWS:
            more += 1
            continue
        problems = [f"{p.question}: {p.message}" if p.question else p.message for p in f.problems]
        shown = problems[:ANNEX_PROBLEMS] + (
            [say("annex_more", count=len(problems) - ANNEX_PROBLEMS)] if len(problems) > ANNEX_PROBLEMS else []
        )
        reason = "; ".join(([f.reason] if f.reason else []) + shown)
        rows.append((printable(f.path), say(f"status_{f.status}"), f.form or "–", f.lang or "–", printable(reason) or "–"))
    blocks = [Heading(2, say("annex_title")), Paragraph(say("annex_intro", clean=clean, total=total))]
    if rows:
        blocks.append(Table(headers, tuple(rows), (False,) * 5, "log", widths=(3.5, 1.8, 1.4, 1.1, 6.5)))
    if more:
        blocks.append(Paragraph(say("annex_more_files", count=more)))
    return blocks


ANNEX_PROBLEMS = 3
ANNEX_ROWS = 200  # beyond this a printed list helps nobody; the log files have every row


def _level_of_mean(form: FormSummary, result: ResultSummary) -> str:
    """The level a mean falls in: the level of the typical response, not of any one."""
    rule = form.form.result(result.key)
    found = level_for(form.form, rule, result.mean) if rule else None
    return found.label.get("en") if found else ""
