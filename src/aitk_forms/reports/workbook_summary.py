"""The summary sheet of one form in consolidated.xlsx: a table of every result and native Excel charts.

Readiness-like forms get a radar (a bar chart below three parts) of the mean per part; the risk form
gets a stacked bar of the risk levels per principle and a likelihood x severity heat map. Excel has no
heat-map chart type, so the heat map is the spreadsheet idiom: a grid of counts coloured by risk level.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, RadarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .chart_alt import describe
from .charts import level_colour, levels_chart, means_chart
from .summary import FormSummary, ResultSummary
from .xlsx_cells import put_text, write_header

TITLE = Font(bold=True, size=14, color="1B4F72")
BOLD = Font(bold=True)
CENTRE = Alignment(horizontal="center", vertical="center")
THIN = Side(style="thin", color="FFFFFF")
TABLE_ROW = 4  # the header row of the results table
STAT_COLUMNS = ("Result", "Responses", "Mean", "Minimum", "Maximum", "Spread (SD)")
RADAR_FROM = 3  # a radar of fewer than three spokes is not a shape anyone can read


def write_summary_sheet(sheet: Worksheet, summary: FormSummary) -> None:
    put_text(sheet["A1"], summary.title)
    sheet["A1"].font = TITLE
    languages = ", ".join(f"{lang} {n}" for lang, n in summary.languages)
    put_text(sheet["A2"], f"{len(summary.responses)} accepted responses (languages: {languages})")
    rows = list(summary.parts) + [r for r in (summary.overall,) if r is not None]
    levels = summary.parts[0].levels if summary.parts else ()
    headers = list(STAT_COLUMNS) + [level.label for level in levels] + ["Provisional"]
    write_header(sheet, TABLE_ROW, headers, [36, 11, 9, 10, 10, 12] + [15] * len(levels) + [12])
    for i, result in enumerate(rows, start=TABLE_ROW + 1):
        _write_result_row(sheet, i, result)
    sheet.freeze_panes = f"A{TABLE_ROW + 1}"
    # Printed, the table and its charts fit one landscape page across (a leadership handout).
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    anchor_column = get_column_letter(len(headers) + 2)
    if summary.is_risk:
        _levels_chart(sheet, summary, len(summary.parts), f"{anchor_column}{TABLE_ROW}")
        if summary.heat_map is not None:
            _heat_map(sheet, summary, TABLE_ROW + len(rows) + 3)
    elif summary.parts:
        _means_chart(sheet, summary, f"{anchor_column}{TABLE_ROW}")
    if summary.full_toolkit[1]:
        applies, known = summary.full_toolkit
        put_text(sheet["A3"], f"The full toolkit applies to {applies} of {known} use cases.")


def _write_result_row(sheet: Worksheet, row: int, result: ResultSummary) -> None:
    put_text(sheet.cell(row, 1), result.label)
    values = (result.scored, result.mean, result.minimum, result.maximum, result.spread)
    for column, value in enumerate(values, start=2):
        sheet.cell(row, column).value = value
        sheet.cell(row, column).number_format = "0" if column == 2 else "0.00"
    for column, level in enumerate(result.levels, start=len(STAT_COLUMNS) + 1):
        sheet.cell(row, column).value = level.count
    sheet.cell(row, len(STAT_COLUMNS) + len(result.levels) + 1).value = result.provisional


def _means_chart(sheet: Worksheet, summary: FormSummary, anchor: str) -> None:
    """The mean of each part: a radar when there are enough parts to draw a shape, else bars."""
    count = len(summary.parts)
    radar = count >= RADAR_FROM
    chart = RadarChart() if radar else BarChart()
    if radar:
        chart.type = "marker"
    else:
        chart.type, chart.grouping = "bar", "clustered"
    form = summary.form
    top = max((lv.maximum or lv.below or 0) for lv in form.level_set(form.result(summary.parts[0].key).levels or ""))
    chart.title = f"Mean by {'dimension' if not _is_stages(summary) else 'stage'}"
    data = Reference(sheet, min_col=3, min_row=TABLE_ROW, max_row=TABLE_ROW + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=TABLE_ROW + 1, max_row=TABLE_ROW + count))
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, top
    chart.y_axis.delete = chart.x_axis.delete = False  # openpyxl 3.1 otherwise hides the axes in Excel
    chart.legend = None
    chart.width, chart.height = 18, 11
    sheet.add_chart(describe(chart, means_chart(summary).alt), anchor)


def _levels_chart(sheet: Worksheet, summary: FormSummary, count: int, anchor: str) -> None:
    """A stacked bar per principle: how many responses at each risk level."""
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
    chart.title = "Risk levels by principle"
    levels = summary.parts[0].levels
    first = len(STAT_COLUMNS) + 1
    data = Reference(sheet, min_col=first, max_col=first + len(levels) - 1, min_row=TABLE_ROW, max_row=TABLE_ROW + count)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=TABLE_ROW + 1, max_row=TABLE_ROW + count))
    for series, level in zip(chart.series, levels, strict=True):
        colour = level_colour(level.id).lstrip("#")
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.scaling.orientation = "maxMin"  # the first principle on top, as in the table
    chart.y_axis.delete = chart.x_axis.delete = False
    chart.y_axis.title = "Responses"
    chart.width, chart.height = 20, max(9, 0.75 * count + 3)
    sheet.add_chart(describe(chart, levels_chart(summary).alt), anchor)


def _heat_map(sheet: Worksheet, summary: FormSummary, top: int) -> None:
    """Likelihood rows (most likely on top) by severity columns; each cell counts principle assessments."""
    heat = summary.heat_map
    put_text(sheet.cell(top, 1), "Likelihood × severity: number of principle assessments")
    sheet.cell(top, 1).font = BOLD
    put_text(sheet.cell(top + 1, 1), "Likelihood ↓ / Severity →")
    for c, name in enumerate(heat.columns, start=2):
        put_text(sheet.cell(top + 1, c), name)
        sheet.cell(top + 1, c).font, sheet.cell(top + 1, c).alignment = BOLD, CENTRE
    for r in range(len(heat.rows)):
        row_index = len(heat.rows) - 1 - r
        row = top + 2 + r
        put_text(sheet.cell(row, 1), heat.rows[row_index])
        for c in range(len(heat.columns)):
            cell = sheet.cell(row, c + 2)
            cell.value = heat.counts[row_index][c]
            colour = level_colour(heat.level_ids[row_index][c]).lstrip("#")
            cell.fill = PatternFill("solid", fgColor=colour)
            cell.alignment, cell.border = CENTRE, Border(THIN, THIN, THIN, THIN)
        sheet.row_dimensions[row].height = 24


def _is_stages(summary: FormSummary) -> bool:
    return all(summary.form.result(p.key).method == "completeness" for p in summary.parts)
