"""report.pdf and report.docx: the narrative for leadership, both rendered from one story (reports/story.py).

The PDF is HTML from Jinja2 templates (templates/report/) set by WeasyPrint, with the charts as SVG;
the Word document is built with python-docx (reports/narrative_docx.py), with the charts as PNG.
report.pdf is archival and accessible: PDF/A-3u, tagged, identified as PDF/UA-1 too, and it carries
the import log and the import's JSON result as its data (PDF/A-3 associated files, reports/attached.py).
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
from functools import cache
from pathlib import Path

import pydyf
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..model import Content
from ..outcomes import ImportResult
from ..resources import template_folder
from ..typesetting.fonts import FAMILIES, LATIN, require_fonts
from ..typesetting.tagging import add_header_scopes, declare_pdfua
from ..typesetting.weasy import css_string, srgb_profile_left_open, weasyprint
from .attached import ATTACHED, fill_embedded, write_data
from .charts import Chart, to_svg
from .story import Story, build_story
from .summary import REPORT_LANG

# Respondents may write in any script, so the PDF names a font for each, Latin first.
FONT_FAMILIES = LATIN + FAMILIES["ar"][:1] + FAMILIES["zh"]


def write_pdf(content: Content, result: ImportResult, path: Path, story: Story | None = None) -> None:
    """Write report.pdf for `result` to `path` (from `story`, when the caller built it already)."""
    for lang in ("ar", "zh"):
        require_fonts(lang)  # a clear message naming the Debian package, never boxes in the report
    story = story or build_story(content, result)
    html = report_html(story)
    # A fixed identifier (the PDF's /ID) derived from the HTML keeps the same import's report byte-identical.
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
    document = weasyprint().HTML(string=html, base_url=str(template_folder("report")))
    with tempfile.TemporaryDirectory(prefix="aitk-report-data-") as folder:
        data = write_data(content, result, Path(folder))
        # WeasyPrint writes one variant at a time: PDF/A-3u with tags on, and the PDF/UA-1 identification added.
        with srgb_profile_left_open():
            document.write_pdf(
                str(path),
                pdf_variant="pdf/a-3u",
                pdf_tags=True,
                pdf_identifier=identifier,
                hinting=True,
                attachments=_placeholders(),
                finisher=lambda document, pdf: _finish(document, pdf, data),
            )


def _placeholders() -> list:
    """The import log and the JSON result as the report's data (AFRelationship Data): each a placeholder that
    `_finish` fills from its file (attached.py)."""
    attachment = weasyprint().Attachment
    return [
        attachment(string=f"placeholder for {name}", name=name, description=description, relationship="Data")
        for name, description in ATTACHED
    ]


def _finish(document: object, pdf: pydyf.PDF, data: dict[str, Path]) -> None:
    fill_embedded(pdf, data)
    add_header_scopes(pdf)
    declare_pdfua(pdf)
    # WeasyPrint 70 lists each attachment twice among the document's associated files.
    pdf.catalog["AF"] = pydyf.Array(dict.fromkeys(pdf.catalog["AF"]))
    # The attachments' dates would be the time of writing; reports of the same import are byte-identical.
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.extra.get("Type") == "/EmbeddedFile":
            for key in ("CreationDate", "ModDate"):
                item.extra["Params"].pop(key, None)


def write_docx(content: Content, result: ImportResult, path: Path, story: Story | None = None) -> None:
    """Write report.docx for `result` to `path` (from `story`, when the caller built it already)."""
    from .narrative_docx import render_docx  # python-docx is loaded only when the Word report is written

    render_docx(story or build_story(content, result), path)


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
