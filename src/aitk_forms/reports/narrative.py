"""report.pdf and report.docx: the narrative for leadership, both rendered from one story (reports/story.py).

The PDF is HTML from Jinja2 templates (templates/report/) set by WeasyPrint, with the charts as SVG;
the Word document is built with python-docx (reports/narrative_docx.py), with the charts as PNG.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..importer import ImportResult
from ..model import Content
from ..resources import template_folder
from ..typesetting.fonts import FAMILIES, LATIN, require_fonts
from ..typesetting.weasy import css_string, weasyprint
from .charts import Chart, to_svg
from .story import Story, build_story
from .summary import REPORT_LANG

# Respondents may write in any script, so the PDF names a font for each, Latin first.
FONT_FAMILIES = LATIN + FAMILIES["ar"][:1] + FAMILIES["zh"]


def write_pdf(content: Content, result: ImportResult, path: Path) -> None:
    """Write report.pdf for `result` to `path`."""
    for lang in ("ar", "zh"):
        require_fonts(lang)  # a clear message naming the Debian package, never boxes in the report
    story = build_story(content, result)
    html = report_html(story)
    # A fixed identifier (the PDF's /ID) derived from the HTML keeps the same import's report byte-identical.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    document = weasyprint().HTML(string=html, base_url=str(template_folder("report")))
    document.write_pdf(str(path), pdf_tags=True, pdf_identifier=identifier, hinting=True)


def write_docx(content: Content, result: ImportResult, path: Path) -> None:
    """Write report.docx for `result` to `path`."""
    from .narrative_docx import render_docx  # python-docx is loaded only when the Word report is written

    render_docx(build_story(content, result), path)


def report_html(story: Story) -> str:
    """The story as one HTML document, ready for WeasyPrint."""
    env = _environment()
    font_list = ", ".join(css_string(f) for f in FONT_FAMILIES) + ", sans-serif"
    css = env.get_template("report.css.j2").render(font_list=font_list, title=story.title)
    return env.get_template("report.html.j2").render(story=story, css=css, svg_uri=svg_uri, lang=REPORT_LANG)


def svg_uri(chart: Chart) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(to_svg(chart).encode()).decode()


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_folder("report"))),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),  # the CSS template is not HTML
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env
