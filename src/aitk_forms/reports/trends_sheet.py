"""The "Trends" and "Changes" sheets of consolidated.xlsx, written when the store holds two or more rounds.

Trends: per form a table with one column per round and a native line chart beside it (readiness: the mean
of each dimension; workbook: the completeness of each stage; risk: use cases at high or extremely high risk
per principle, and the overall risk level of the use cases), then one table of every unit's overall
result per round (a table, not a chart per unit). Changes: every unit × result between the last two
rounds, regressions first.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .chart_alt import describe
from .charts import level_colour
from .summary import HIGH_RISK
from .trends import FormTrend, ResultSeries, Standing, Trends
from .trends_text import change_counts, form_title, level_name, ordered_changes, result_label, standing_text
from .xlsx_cells import WRAP, put_text, write_header

TITLE = Font(bold=True, size=14, color="1B4F72")
BOLD = Font(bold=True)
CHART_ROWS = 17  # rows a chart of CHART_HEIGHT cm covers, so that the next block starts below it
CHART_WIDTH, CHART_HEIGHT = 16, 8
CHANGE_COLUMNS = ("Change", "Form", "Unit", "Result", "Key", "Previous", "Latest", "Why not comparable")


def add_trend_sheets(book: Workbook, trends: Trends | None) -> None:
    """The Trends and Changes sheets, when there are two rounds to compare (else nothing)."""
    if trends is None or len(trends.rounds) < 2 or not trends.forms:
        return
    write_trends_sheet(book.create_sheet("Trends"), trends)
    write_changes_sheet(book.create_sheet("Changes"), trends)


def write_trends_sheet(sheet: Worksheet, trends: Trends) -> None:
    put_text(sheet["A1"], f"Trends across rounds {trends.rounds[0]} to {trends.rounds[-1]}")
    sheet["A1"].font = TITLE
    put_text(sheet["A2"], "Final results only: a provisional result has no score and no level until it is complete.")
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 40, 22
    # Printed, each table and its chart fit one landscape page across, as on the summary sheets.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    row = 4
    for trend in trends.forms:
        if trend.lower_is_better:
            row = _risk_block(sheet, row, trend, trends.rounds)
        else:
            row = _means_block(sheet, row, trend, trends.rounds)
    _units_table(sheet, row, trends)


def _means_block(sheet: Worksheet, top: int, trend: FormTrend, rounds: tuple[str, ...]) -> int:
    """The mean of every result per round, and a line per dimension or stage."""
    form = trend.form
    parts = [s for s in trend.results if _is_part(form, s.key)]
    others = [s for s in trend.results if not _is_part(form, s.key) and form.result(s.key).method != "any"]
    stages = bool(parts) and all(form.result(s.key).method == "completeness" for s in parts)
    what = "completeness (%) of each stage" if stages else "mean of each dimension"
    rows = [((result_label(form, s.key),), s.means) for s in (*parts, *others)]
    first = _table(sheet, top, f"{form_title(trend)}: {what}, per round", ("Result",), rounds, trend.responses, rows)
    if parts:
        measure = "Completeness (%)" if stages else "Mean"
        chart = _line_chart(f"{form_title(trend)}: {measure.lower()} by round", measure)
        _plot(sheet, chart, 1, len(rounds), first, first + len(parts) - 1, top + 1)
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, _top_of_scale(form, parts[0].key)
        what_lines = "stage" if stages else "dimension"
        describe(chart, f"Line chart of the {measure.lower()} of each {what_lines} of the {form_title(trend)}, {_over(rounds)}.")
        sheet.add_chart(chart, f"{get_column_letter(len(rounds) + 3)}{top}")
    return top + max(len(rows) + 4, CHART_ROWS) + 2


def _risk_block(sheet: Worksheet, top: int, trend: FormTrend, rounds: tuple[str, ...]) -> int:
    """Use cases at high or extremely high risk per principle (a line each), then every level of every result."""
    form = trend.form
    parts = [s for s in trend.results if _is_part(form, s.key)]
    overall = trend.series(trend.overall_key)
    shown = parts + ([overall] if overall and overall not in parts else [])
    rows = [((result_label(form, s.key),), _at_high_risk(s, trend.responses)) for s in shown]
    title = f"{form_title(trend)}: use cases at high or extremely high risk, per principle and round"
    first = _table(sheet, top, title, ("Result",), rounds, trend.responses, rows)
    if parts:
        chart = _line_chart(f"{form_title(trend)}: use cases at high or extremely high risk", "Use cases")
        _plot(sheet, chart, 1, len(rounds), first, first + len(parts) - 1, top + 1)
        describe(chart, f"Line chart of the use cases at high or extremely high risk, one line per principle, {_over(rounds)}.")
        sheet.add_chart(chart, f"{get_column_letter(len(rounds) + 4)}{top}")
    top += max(len(rows) + 4, CHART_ROWS) + 2
    ordered = [overall] + [s for s in trend.results if s is not overall and s.levels] if overall else list(trend.results)
    rows = []
    for series in ordered:
        label = result_label(form, series.key)
        for level, counts in series.levels:
            rows.append(((label, level_name(form, series.key, level)), _when_any(counts, trend.responses)))
        rows.append(((label, "provisional"), _when_any(series.provisional, trend.responses)))
    title = f"{form_title(trend)}: use cases at each level, per result and round"
    first = _table(sheet, top, title, ("Result", "Level"), rounds, trend.responses, rows)
    if overall and overall.levels:
        chart = _line_chart(f"{result_label(form, overall.key)}: use cases at each level", "Use cases")
        _plot(sheet, chart, 2, len(rounds), first, first + len(overall.levels) - 1, top + 1)
        for series, (level, _) in zip(chart.series, overall.levels, strict=True):
            series.graphicalProperties.line.solidFill = level_colour(level).lstrip("#")
        label = result_label(form, overall.key)
        describe(chart, f"Line chart of the use cases at each level of the {label}, one line per level, {_over(rounds)}.")
        sheet.add_chart(chart, f"{get_column_letter(len(rounds) + 4)}{top}")
    return top + max(len(rows) + 4, CHART_ROWS) + 2


def _table(sheet: Worksheet, top: int, title: str, labels: tuple[str, ...], rounds, responses, rows) -> int:
    """A titled table: label columns, then one column per round; a "Responses" row first. Returns the row
    of the first data row after it."""
    put_text(sheet.cell(top, 1), title)
    sheet.cell(top, 1).font = BOLD
    write_header(sheet, top + 1, [*labels, *rounds])
    put_text(sheet.cell(top + 2, 1), "Responses")
    for column, count in enumerate(responses, start=len(labels) + 1):
        sheet.cell(top + 2, column).value = count
    for row, (names, values) in enumerate(rows, start=top + 3):
        for column, name in enumerate(names, start=1):
            put_text(sheet.cell(row, column), name)
        for column, value in enumerate(values, start=len(labels) + 1):
            sheet.cell(row, column).value = value
            sheet.cell(row, column).number_format = "0" if isinstance(value, int) else "0.00"
    return top + 3


def _over(rounds: tuple[str, ...]) -> str:
    """The end of a chart's alt text: the rounds it spans and where its numbers are."""
    return f"over the rounds {', '.join(rounds)}; the numbers are in the table beside the chart"


def _line_chart(title: str, y_title: str) -> LineChart:
    chart = LineChart()
    chart.title, chart.y_axis.title, chart.x_axis.title = title, y_title, "Round"
    chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl 3.1 otherwise hides the axes in Excel
    chart.width, chart.height = CHART_WIDTH, CHART_HEIGHT
    return chart


def _plot(sheet: Worksheet, chart: LineChart, labels: int, rounds: int, first: int, last: int, header: int) -> None:
    """One line per table row from `first` to `last`, named by the row's last label column, over the rounds."""
    data = Reference(sheet, min_col=labels, max_col=labels + rounds, min_row=first, max_row=last)
    chart.add_data(data, from_rows=True, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=labels + 1, max_col=labels + rounds, min_row=header, max_row=header))
    for series in chart.series:
        series.smooth = False  # a straight line between rounds: nothing is known in between
        series.marker.symbol = "circle"  # a round with one point still shows


def _units_table(sheet: Worksheet, top: int, trends: Trends) -> None:
    """Each unit's overall result in every round: the score, then its level or why there is none."""
    put_text(sheet.cell(top, 1), "Overall result per unit and round")
    sheet.cell(top, 1).font = BOLD
    headers = ["Form", "Unit"] + [f"{label} {part}" for label in trends.rounds for part in ("score", "level")]
    write_header(sheet, top + 1, headers)
    row = top + 2
    for trend in trends.forms:
        for unit in trend.units:
            put_text(sheet.cell(row, 1), trend.form.id)
            put_text(sheet.cell(row, 2), unit.unit)
            for index, standing in enumerate(unit.overall):
                column = 3 + 2 * index
                if standing is not None and standing.final:
                    sheet.cell(row, column).value = standing.score
                if standing is not None:
                    put_text(sheet.cell(row, column + 1), _level_text(trend, standing))
            row += 1
    sheet.auto_filter.ref = f"A{top + 1}:{get_column_letter(len(headers))}{max(row - 1, top + 1)}"


def write_changes_sheet(sheet: Worksheet, trends: Trends) -> None:
    previous, latest = trends.previous, trends.latest
    put_text(sheet["A1"], f"Changes since {previous}: every unit and result, round {latest} against round {previous}")
    sheet["A1"].font = TITLE
    counts = change_counts(trends)
    put_text(sheet["A2"], ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    put_text(
        sheet["A3"],
        "Levels are compared where the result has levels, scores otherwise. Risk: a lower level is better; readiness "
        "and completeness: higher is better. Not comparable: provisional or without a result in either round, or "
        "the rule changed between content versions.",
    )
    headers = list(CHANGE_COLUMNS)
    headers[5:7] = [f"Round {previous}", f"Round {latest}"]
    write_header(sheet, 5, headers, [15, 11, 40, 34, 22, 26, 26, 50])
    row = 6
    for trend, change in ordered_changes(trends):
        form = trend.form
        before, after = (standing_text(form, change.key, side) for side in (change.before, change.after))
        values = (change.kind, form.id, change.unit, result_label(form, change.key), change.key, before, after, change.why)
        for column, value in enumerate(values, start=1):
            put_text(sheet.cell(row, column), value)
        sheet.cell(row, 8).alignment = WRAP
        row += 1
    sheet.freeze_panes = "A6"
    sheet.auto_filter.ref = f"A5:{get_column_letter(len(headers))}{max(row - 1, 5)}"


def _level_text(trend: FormTrend, standing: Standing) -> str:
    """The level's label of a final result; otherwise why there is none ("provisional (…)", "no result")."""
    if standing.final:
        return level_name(trend.form, trend.overall_key, standing.level) if standing.level else ""
    return standing_text(trend.form, trend.overall_key, standing)


def _is_part(form, key: str) -> bool:
    """A dimension, principle or stage: computed from answers, not from other results nor from conditions."""
    rule = form.result(key)
    return rule is not None and not rule.results and rule.method != "any"


def _at_high_risk(series: ResultSeries, responses: tuple[int, ...]) -> tuple[int | None, ...]:
    counts = [counts for level, counts in series.levels if level in HIGH_RISK]
    return _when_any(tuple(sum(c[i] for c in counts) for i in range(len(responses))), responses)


def _when_any(counts: tuple[int, ...], responses: tuple[int, ...]) -> tuple[int | None, ...]:
    """Counts, blank in a round without any response of the form (a gap in the line, not a fall to zero)."""
    return tuple(count if n else None for count, n in zip(counts, responses, strict=True))


def _top_of_scale(form, key: str) -> float:
    rule = form.result(key)
    return max((lv.maximum or lv.below or 0) for lv in form.level_set(rule.levels or "")) if rule and rule.levels else 100
