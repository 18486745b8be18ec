"""The look of the Word form: page, fonts for every script, heading and question styles,
forms-only protection, and right-to-left layout."""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from ...typesetting.word import office_fonts, set_run_fonts
from .sdt import w

# Word language tags for proofing and for choosing the complex-script and East Asian fonts.
LOCALES = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES", "ar": "ar-SA", "ru": "ru-RU", "zh": "zh-CN"}
INK = RGBColor(0x1F, 0x2A, 0x37)
ACCENT = RGBColor(0x1B, 0x4F, 0x72)
QUIET = RGBColor(0x5A, 0x64, 0x6E)
PLACEHOLDER = RGBColor(0x6B, 0x72, 0x80)

# name: (based on, size in points, bold, italic, colour, space before, space after, keep with next)
PARAGRAPH_STYLES = {
    "Title": ("Normal", 24, True, False, ACCENT, 0, 12, True),
    "Subtitle": ("Normal", 12, False, False, QUIET, 0, 4, False),
    "Heading 1": ("Normal", 16, True, False, ACCENT, 18, 6, True),
    "Heading 2": ("Normal", 13, True, False, ACCENT, 12, 4, True),
    "Question": ("Normal", 10.5, True, False, INK, 10, 2, True),
    "Help": ("Normal", 9, False, False, QUIET, 0, 2, True),
    "Instruction": ("Normal", 9, False, True, ACCENT, 0, 2, True),
    "Answer": ("Normal", 10.5, False, False, INK, 2, 4, False),
    # Title page headings stay out of the outline: the navigation pane lists the parts.
    "Front Heading": ("Normal", 13, True, False, ACCENT, 10, 3, True),
    "Caption": ("Normal", 9, True, False, ACCENT, 6, 3, True),
}


def apply_styles(document: Document, lang: str, rtl: bool) -> None:
    """Page size and margins, fonts and the paragraph styles the form uses."""
    fonts = office_fonts()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.font.color.rgb = INK
    rpr = normal.element.get_or_add_rPr()
    set_run_fonts(rpr, fonts, hint="eastAsia" if lang.startswith("zh") else None)
    _set_size_cs(rpr, 10.5)
    _set_language(rpr, lang)
    # the template's defaults say en-US: a style not based on Normal (a table's) would otherwise announce English
    defaults = document.styles.element.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}/{w('lang')}")
    if defaults is not None:
        defaults.set(w("val"), LOCALES.get(lang, lang))  # its East Asian and complex-script languages stay
    for name, spec in PARAGRAPH_STYLES.items():
        _paragraph_style(document, name, spec, fonts)
    placeholder = _style(document, "Placeholder Text", WD_STYLE_TYPE.CHARACTER)
    placeholder.font.color.rgb = PLACEHOLDER
    placeholder.element.set(w("styleId"), "PlaceholderText")
    if rtl:
        insert_in_order(section._sectPr, etree.Element(w("bidi")), SECTION_BIDI_SUCCESSORS)


# Schema order matters to Word: an element out of place makes it call the file damaged.
PARAGRAPH_BIDI_SUCCESSORS = (
    "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
    "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
).split()
SECTION_BIDI_SUCCESSORS = "rtlGutter docGrid printerSettings sectPrChange".split()


def insert_in_order(parent: etree._Element, child: etree._Element, successors: list[str]) -> None:
    """Insert `child` before the first of its schema successors present, else at the end."""
    for name in successors:
        found = parent.find(w(name))
        if found is not None:
            found.addprevious(child)
            return
    parent.append(child)


def set_right_to_left(paragraph_properties: etree._Element) -> None:
    """Lay a paragraph out right to left (`w:bidi`)."""
    if paragraph_properties.find(w("bidi")) is None:
        insert_in_order(paragraph_properties, etree.Element(w("bidi")), PARAGRAPH_BIDI_SUCCESSORS)


def _style(document: Document, name: str, kind: WD_STYLE_TYPE):
    try:
        return document.styles[name]
    except KeyError:
        return document.styles.add_style(name, kind)


def _paragraph_style(document: Document, name: str, spec: tuple, fonts: dict[str, str]) -> None:
    based_on, size, bold, italic, colour, before, after, keep = spec
    style = _style(document, name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[based_on]
    style.font.size, style.font.bold, style.font.italic = Pt(size), bold, italic
    style.font.color.rgb = colour
    style.font.color.theme_color = None
    rpr = style.element.get_or_add_rPr()
    # python-docx's template letter-spaces Title and Subtitle (w:spacing 5 and 15): that pulls joined Arabic
    # letters apart, and plain text reads better without it in every script.
    for spacing in rpr.findall(w("spacing")):
        rpr.remove(spacing)
    set_run_fonts(rpr, fonts)
    _set_size_cs(rpr, size)
    # Word bolds and italicises Arabic runs by the complex-script flags.
    rpr.get_or_add_bCs().val = bold
    rpr.get_or_add_iCs().val = italic
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(before), Pt(after), keep
    style.quick_style = True


def _set_size_cs(rpr: etree._Element, points: float) -> None:
    """Complex-script size: Word sizes Arabic runs by `w:szCs`, not `w:sz`."""
    for old in rpr.findall(w("szCs")):
        rpr.remove(old)
    size = rpr.find(w("sz"))
    element = etree.Element(w("szCs"))
    element.set(w("val"), str(int(points * 2)))
    if size is not None:
        size.addnext(element)
    else:
        rpr.append(element)


def _set_language(rpr: etree._Element, lang: str) -> None:
    for old in rpr.findall(w("lang")):
        rpr.remove(old)
    element = etree.SubElement(rpr, w("lang"))
    element.set(w("val"), LOCALES.get(lang, lang))
    element.set(w("eastAsia"), "zh-CN")
    element.set(w("bidi"), "ar-SA")


def protect_for_forms(document: Document) -> None:
    """Allow filling in the controls only, so questions are not changed by accident. The
    element goes before `w:defaultTabStop`, where the schema orders it."""
    settings = document.settings.element
    for old in settings.findall(w("documentProtection")):
        settings.remove(old)
    protection = etree.Element(w("documentProtection"))
    protection.set(w("edit"), "forms")
    protection.set(w("enforcement"), "1")
    anchor = settings.find(w("defaultTabStop"))
    if anchor is not None:
        anchor.addprevious(protection)
    else:
        settings.append(protection)


def set_theme_languages(document: Document, lang: str) -> None:
    """The document's theme languages: python-docx's template says Japanese for East Asian text,
    which made LibreOffice pick the Japanese cut of Noto Sans CJK for Chinese."""
    found = document.settings.element.find(w("themeFontLang"))
    if found is not None:
        found.set(w("val"), LOCALES.get(lang, lang))
        found.set(w("eastAsia"), "zh-CN")
        found.set(w("bidi"), "ar-SA")
