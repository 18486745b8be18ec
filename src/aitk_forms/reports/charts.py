"""Charts of the narrative report, laid out once as shapes and drawn twice: SVG for the PDF, PNG for Word.

Layout needs text widths, so both drawings measure with the same Noto Sans font file (through
Pillow); a label that does not fit is shortened with an ellipsis rather than overlapping a bar.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from ..scoring import level_for
from ..typesetting.fonts import LATIN, require_fonts
from .summary import REPORT_LANG, FormSummary, HeatMap, ResultSummary

INK, QUIET, GRID, BAR = "#1f2a37", "#5a646e", "#d0d5db", "#1b4f72"
# Level colours by id: greens for good, through amber, to red for bad; light enough for dark text.
LEVEL_COLOURS = {
    "low": "#8cc68c", "medium": "#f4d35e", "high": "#f4a259", "extremely_high": "#e26d5a",
    "beginning": "#e26d5a", "developing": "#f4a259", "established": "#b5d86a", "advanced": "#6fba6f",
    "incomplete": "#e26d5a", "partial": "#f4d35e", "complete": "#6fba6f",
    "not_required": "#c9ced6", "required": "#f4a259",
}  # fmt: skip
FALLBACK_COLOURS = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c")
FONT_SIZE, SMALL = 13, 11
WIDTH = 720


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None


@dataclass(frozen=True)
class Label:
    x: float
    y: float  # the baseline
    text: str
    size: int = FONT_SIZE
    anchor: str = "start"  # start | middle | end
    bold: bool = False
    fill: str = INK


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID


@dataclass
class Chart:
    """A drawing in pixels, with the text that describes it for readers who cannot see it."""

    width: int
    height: int
    alt: str
    shapes: list = field(default_factory=list)


def level_colour(level_id: str, position: int = 0) -> str:
    return LEVEL_COLOURS.get(level_id, FALLBACK_COLOURS[position % len(FALLBACK_COLOURS)])


def charts_for(summary: FormSummary) -> list[Chart]:
    """The charts of one form: risk gets its heat map and levels per principle, the others their mean per part."""
    if summary.is_risk:
        found = [levels_chart(summary)]
        if summary.heat_map is not None and any(any(row) for row in summary.heat_map.counts):
            found.insert(0, heat_map_chart(summary.heat_map, summary.title))
        return found
    return [means_chart(summary)] if any(p.mean is not None for p in summary.parts) else []


def means_chart(summary: FormSummary) -> Chart:
    """A horizontal bar per part (dimension or stage): its mean, coloured by the level of the mean."""
    parts = summary.parts
    form = summary.form
    top = max((lv.maximum or lv.below or 0) for lv in form.level_set(form.result(parts[0].key).levels or "")) or 1
    label_w = _label_width([p.label for p in parts])
    x0, bar_w, row_h, y0 = label_w + 16, WIDTH - label_w - 80, 30, 20
    chart = Chart(WIDTH, y0 + row_h * len(parts) + 34, "")
    for tick in range(5):
        x = x0 + bar_w * tick / 4
        chart.shapes += [
            Line(x, y0 - 6, x, y0 + row_h * len(parts)),
            Label(x, y0 + row_h * len(parts) + 18, _number(top * tick / 4), SMALL, "middle", fill=QUIET),
        ]
    for i, part in enumerate(parts):
        y = y0 + i * row_h
        chart.shapes.append(Label(x0 - 8, y + row_h / 2 + 5, _fit(part.label, label_w), anchor="end"))
        if part.mean is None:
            chart.shapes.append(Label(x0 + 6, y + row_h / 2 + 5, "no answers", SMALL, fill=QUIET))
            continue
        level = _level_of(summary, part)
        chart.shapes.append(Rect(x0, y + 5, max(1.0, bar_w * part.mean / top), row_h - 10, level_colour(level)))
        chart.shapes.append(Label(x0 + bar_w * part.mean / top + 6, y + row_h / 2 + 5, _number(part.mean), SMALL, bold=True))
    described = "; ".join(f"{p.label} {_number(p.mean) if p.mean is not None else 'no answers'}" for p in parts)
    chart.alt = (
        f"Bar chart of the mean score of each part of the {summary.title}, on a scale of 0 to {_number(top)}: {described}."
    )
    return chart


def levels_chart(summary: FormSummary) -> Chart:
    """A stacked horizontal bar per principle: how many responses fell in each risk level."""
    parts = summary.parts
    levels = parts[0].levels
    label_w = _label_width([p.label for p in parts])
    x0, bar_w, row_h, y0 = label_w + 16, WIDTH - label_w - 40, 24, 40
    most = max((sum(c.count for c in p.levels) for p in parts), default=0) or 1
    chart = Chart(WIDTH, y0 + row_h * len(parts) + 10, "")
    x = x0
    for i, level in enumerate(levels):  # the legend, across the top
        chart.shapes += [Rect(x, 8, 14, 14, level_colour(level.id, i)), Label(x + 20, 20, level.label, SMALL)]
        x += 20 + _text_width(level.label, SMALL) + 18
    for i, part in enumerate(parts):
        y = y0 + i * row_h
        chart.shapes.append(Label(x0 - 8, y + row_h / 2 + 5, _fit(part.label, label_w), anchor="end"))
        x = x0
        for j, level in enumerate(part.levels):
            w = bar_w * level.count / most
            if level.count:
                chart.shapes.append(Rect(x, y + 3, w, row_h - 6, level_colour(level.id, j), "#ffffff"))
                if w > 16:
                    chart.shapes.append(Label(x + w / 2, y + row_h / 2 + 4, str(level.count), SMALL, "middle"))
            x += w
    described = "; ".join(
        f"{p.label}: " + ", ".join(f"{c.count} {c.label.lower()}" for c in p.levels if c.count) for p in parts if p.scored
    )
    chart.alt = (
        f"Stacked bar chart of the number of responses at each risk level, by principle, in the {summary.title}: {described}."
    )
    return chart


def heat_map_chart(heat: HeatMap, title: str) -> Chart:
    """Likelihood (rows, most likely on top) against severity (columns): how often each pair was answered."""
    label_w = max(_label_width(heat.rows), _text_width("Likelihood", SMALL))
    cell_w = min(110, (WIDTH - label_w - 30) / len(heat.columns))
    cell_h, y0 = 40, 30
    x0 = label_w + 16
    bottom = y0 + cell_h * len(heat.rows)
    chart = Chart(int(x0 + cell_w * len(heat.columns) + 10), bottom + 46, "")
    chart.shapes += [
        Label(x0 - 8, 18, "Likelihood", SMALL, "end", True, QUIET),
        Label(x0 + cell_w * len(heat.columns) / 2, bottom + 40, "Severity", SMALL, "middle", True, QUIET),
    ]
    for r in range(len(heat.rows)):
        row = len(heat.rows) - 1 - r  # the most likely row on top, as risk matrices are read
        y = y0 + r * cell_h
        chart.shapes.append(Label(x0 - 8, y + cell_h / 2 + 5, _fit(heat.rows[row], label_w), anchor="end"))
        for c in range(len(heat.columns)):
            x = x0 + c * cell_w
            count = heat.counts[row][c]
            chart.shapes.append(Rect(x, y, cell_w, cell_h, level_colour(heat.level_ids[row][c], c), "#ffffff"))
            chart.shapes.append(
                Label(x + cell_w / 2, y + cell_h / 2 + 5, str(count) if count else "·", FONT_SIZE, "middle", bool(count))
            )
    for c, name in enumerate(heat.columns):
        chart.shapes.append(Label(x0 + c * cell_w + cell_w / 2, bottom + 18, _fit(name, cell_w - 4, SMALL), SMALL, "middle"))
    cells = [
        f"{heat.rows[r]} × {heat.columns[c]}: {heat.counts[r][c]}"
        for r in range(len(heat.rows))
        for c in range(len(heat.columns))
        if heat.counts[r][c]
    ]
    chart.alt = (
        f"Heat map of the {title}: how many principle assessments fell at each pair of likelihood and severity, "
        f"coloured by the risk level of the pair. {'; '.join(cells)}."
    )
    return chart


def to_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document (WeasyPrint draws it in the PDF)."""
    family = quoteattr(f"'{LATIN[0]}', sans-serif")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width}" height="{chart.height}" '
        f'viewBox="0 0 {chart.width} {chart.height}" role="img" font-family={family}>',
        f"<title>{escape(chart.alt)}</title>",
    ]
    for s in chart.shapes:
        if isinstance(s, Rect):
            stroke = f' stroke="{s.stroke}"' if s.stroke else ""
            out.append(f'<rect x="{s.x:.1f}" y="{s.y:.1f}" width="{s.w:.1f}" height="{s.h:.1f}" fill="{s.fill}"{stroke}/>')
        elif isinstance(s, Line):
            out.append(f'<line x1="{s.x1:.1f}" y1="{s.y1:.1f}" x2="{s.x2:.1f}" y2="{s.y2:.1f}" stroke="{s.stroke}"/>')
        else:
            weight = ' font-weight="bold"' if s.bold else ""
            out.append(
                f'<text x="{s.x:.1f}" y="{s.y:.1f}" font-size="{s.size}" text-anchor="{s.anchor}" fill="{s.fill}"{weight}>'
                f"{escape(s.text)}</text>"
            )
    out.append("</svg>")
    return "\n".join(out)


def to_png(chart: Chart, scale: int = 2) -> bytes:
    """The chart as PNG bytes, drawn at `scale` times its size so that it stays sharp when printed."""
    image = Image.new("RGB", (chart.width * scale, chart.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    anchors = {"start": "ls", "middle": "ms", "end": "rs"}
    for s in chart.shapes:
        if isinstance(s, Rect):
            box = [s.x * scale, s.y * scale, (s.x + s.w) * scale - 1, (s.y + s.h) * scale - 1]
            draw.rectangle(box, fill=s.fill, outline=s.stroke, width=scale if s.stroke else 0)
        elif isinstance(s, Line):
            draw.line([s.x1 * scale, s.y1 * scale, s.x2 * scale, s.y2 * scale], fill=s.stroke, width=scale)
        else:
            font = _font(s.size * scale, s.bold)
            draw.text((s.x * scale, s.y * scale), s.text, fill=s.fill, font=font, anchor=anchors[s.anchor])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _level_of(summary: FormSummary, part: ResultSummary) -> str:
    found = level_for(summary.form, summary.form.result(part.key), part.mean)
    return found.id if found else ""


def _label_width(labels) -> int:
    return int(min(WIDTH * 0.42, max((_text_width(t, FONT_SIZE) for t in labels), default=40))) + 2


def _fit(text: str, width: float, size: int = FONT_SIZE) -> str:
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _text_width(text: str, size: int) -> float:
    return _font(size, False).getlength(text)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """Noto Sans from fontconfig, the font the PDF's SVG names, so that measured widths hold in both."""
    require_fonts(REPORT_LANG)
    if not shutil.which("fc-match"):
        return ImageFont.load_default(size)
    pattern = f"{LATIN[0]}:bold" if bold else LATIN[0]
    path = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True).stdout
    return ImageFont.truetype(path, size)
