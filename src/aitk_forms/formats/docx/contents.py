"""The contents page after the title page: a Word TOC field over the part headings (Heading 1
and 2), written with its result already in place.

The field omits page numbers (`\\n`), so the result written here is exactly what Word would
compute: no field needs updating, so Word asks nothing on opening (`w:updateFields` would
prompt every respondent) and Writer shows the list as it is. Page numbers would need Word to
lay out the pages, and the hyperlinks of `\\h` bookmarks on the headings, which are kept for
answers (`ans_…`).

As Word writes a table of contents, the heading and the field sit in a block content control
marked as the Table of Contents building block, locked so that no one types into it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from .sdt import w
from .writing import DocumentWriter

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph


CONTENTS_TAG = "aitk-contents"
TOC_INSTRUCTION = ' TOC \\o "1-2" \\n '


def write_contents(writer: DocumentWriter, entries: list[tuple[int, str]]) -> None:
    """A new page headed "Contents", then one entry per heading, `entries` being (level, text)."""
    heading = writer.paragraph(writer.ui("contents_title"), "TOC Heading")
    heading.paragraph_format.page_break_before = True
    paragraphs = [heading._p]
    for index, (level, text) in enumerate(entries):
        paragraph = writer.paragraph(style=f"toc {level}")
        if index == 0:
            _field_char(paragraph, "begin")
            instruction = etree.SubElement(etree.SubElement(paragraph._p, w("r")), w("instrText"))
            instruction.text = TOC_INSTRUCTION
            instruction.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            _field_char(paragraph, "separate")
        writer.run(paragraph, text)
        if index == len(entries) - 1:
            _field_char(paragraph, "end")
        paragraphs.append(paragraph._p)
    _enclose(paragraphs)


def _enclose(paragraphs: list[etree._Element]) -> None:
    """Move `paragraphs` into a locked block content control for the Table of Contents gallery."""
    control = etree.Element(w("sdt"))
    paragraphs[0].addprevious(control)
    properties = etree.SubElement(control, w("sdtPr"))
    # A tag no question id can have (ids have no hyphen): every control of ours is tagged.
    etree.SubElement(properties, w("tag")).set(w("val"), CONTENTS_TAG)
    etree.SubElement(properties, w("lock")).set(w("val"), "sdtContentLocked")
    gallery = etree.SubElement(properties, w("docPartObj"))
    etree.SubElement(gallery, w("docPartGallery")).set(w("val"), "Table of Contents")
    etree.SubElement(gallery, w("docPartUnique"))
    body = etree.SubElement(control, w("sdtContent"))
    for paragraph in paragraphs:
        body.append(paragraph)


def _field_char(paragraph: Paragraph, kind: str) -> None:
    etree.SubElement(etree.SubElement(paragraph._p, w("r")), w("fldChar")).set(w("fldCharType"), kind)
