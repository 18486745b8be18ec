"""report.docx: the story of reports/story.py set with python-docx, charts as PNG with alt text.

Every run names a font for Latin, East Asian and complex scripts, so that an agency or use case name
in Arabic or Chinese displays in Word and LibreOffice as it does in the PDF.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ..typesetting.word import complete_zoom_setting, office_fonts, set_run_fonts
from .charts import WIDTH, to_png
from .package import fixed_time, freeze_package
from .story import Figure, Heading, PageBreak, Paragraph, Story, Table

ACCENT, QUIET = RGBColor(0x1B, 0x4F, 0x72), RGBColor(0x5A, 0x64, 0x6E)
TEXT_WIDTH_CM = 17.0  # A4 less two 2 cm margins
HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2"}
HEADER_SHADE = "DCE6F0"
# Elements that follow w:pBdr in a w:pPr and w:tblCellMar in a w:tblPr (ECMA-376 order): Word
# refuses these properties anywhere else.
PBDR_SUCCESSORS = tuple(
    f"w:{name}"
    for name in "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
    "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange".split()
)
TBLCELLMAR_SUCCESSORS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def render_docx(story: Story, path: Path) -> None:
    """Write the story as a Word document at `path`, byte-identical for the same story."""
    document = Document()
    _set_up(document, story.title)
    for block in story.blocks:
        if isinstance(block, Heading):
            document.add_paragraph(block.text, HEADING_STYLES[block.level])
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Figure):
            _figure(document, block)
        elif isinstance(block, Table):
            _table(document, block)
        elif isinstance(block, PageBreak):
            document.add_page_break()
    document.save(str(path))
    freeze_package(Path(path))


def _set_up(document, title: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(2)
    fonts = office_fonts()  # fonts Office has on Windows; LibreOffice substitutes metric-compatible ones
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Caption"):
        style = document.styles[name]
        set_run_fonts(style.element.get_or_add_rPr(), fonts)
        if name.startswith(("Title", "Heading")):
            style.font.color.rgb = ACCENT
    document.styles["Normal"].font.size = Pt(10)
    document.styles["Title"].font.size = Pt(22)
    document.styles["Caption"].font.color.rgb = QUIET
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "aitk-forms", "aitk-forms"
    properties.created = properties.modified = fixed_time()
    properties.revision = 1
    complete_zoom_setting(document.settings.element)


def _paragraph(document, block: Paragraph) -> None:
    style = "Subtitle" if block.style == "subtitle" else None
    paragraph = document.add_paragraph(style=style)
    run = paragraph.add_run(block.text)
    if block.style == "item":
        run.bold = True
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_before = Pt(6)
    elif block.style == "recommendation":
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.space_after = Pt(8)
        border = f'<w:pBdr {nsdecls("w")}><w:left w:val="single" w:sz="12" w:space="8" w:color="1B4F72"/></w:pBdr>'
        paragraph._p.get_or_add_pPr().insert_element_before(parse_xml(border), *PBDR_SUCCESSORS)


def _figure(document, block: Figure) -> None:
    width = Cm(TEXT_WIDTH_CM * block.chart.width / WIDTH)
    document.add_picture(io.BytesIO(to_png(block.chart)), width=width)
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    doc_pr = picture._p.find(".//" + qn("wp:docPr"))
    doc_pr.set("descr", block.chart.alt)  # the alt text Word and screen readers show
    doc_pr.set("title", block.caption)
    document.add_paragraph(block.caption, "Caption")


def _table(document, block: Table) -> None:
    table = document.add_table(rows=len(block.rows) + 1, cols=len(block.headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = Pt(7.5 if block.style == "log" else 8.5)
    widths = _widths(block)
    table.autofit = False
    margins = "".join(f'<w:{side} w:w="57" w:type="dxa"/>' for side in ("left", "right"))  # 1 mm: room for headers
    cell_margins = parse_xml(f"<w:tblCellMar {nsdecls('w')}>{margins}</w:tblCellMar>")
    table._tbl.tblPr.insert_element_before(cell_margins, *TBLCELLMAR_SUCCESSORS)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = width  # LibreOffice lays out by the grid, Word by the cells: set both
    for r, values in enumerate((block.headers,) + block.rows):
        cells = table.rows[r].cells
        for c, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size, run.bold = (Pt(7.5) if r == 0 else size), r == 0
            if block.numeric[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if r == 0:
                cell._tc.get_or_add_tcPr().append(
                    parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{HEADER_SHADE}"/>')
                )
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))  # repeat the header row on every page
    if block.caption:
        document.add_paragraph(block.caption, "Caption")
    else:
        document.add_paragraph()


def _widths(block: Table) -> list:
    shares = block.widths or (1.0,) * len(block.headers)
    return [Cm(TEXT_WIDTH_CM * w / sum(shares)) for w in shares]
