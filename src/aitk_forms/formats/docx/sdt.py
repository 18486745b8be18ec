"""The `w:sdt` content control, built and read with lxml (python-docx has no API for it).

Written like a python-docx `oxml` module: small builders named after the element, and
readers that work on any saved copy, whether Word or LibreOffice Writer wrote it.
"""

from __future__ import annotations

import hashlib

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
NSMAP = {"w": W, "w14": W14}
BALLOT_BOX = "\u2610"
BALLOT_BOX_CROSSED = "\u2612"
# Shading marks where to answer, in Word and Writer alike ("Answer in the grey fields").
ANSWER_FILL = "E7EBF0"
# Word's longest bookmark name; LibreOffice cuts longer names to it when it saves a .docx.
BOOKMARK_NAME_LIMIT = 40
BOOKMARK_DIGEST = 8  # hexadecimal digits of the full name's hash in a shortened name


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{name}"


def w14(name: str) -> str:
    return f"{{{W14}}}{name}"


def _el(tag: str, parent: etree._Element | None = None, **attrs: str) -> etree._Element:
    element = etree.Element(tag, nsmap=NSMAP) if parent is None else etree.SubElement(parent, tag)
    for key, value in attrs.items():
        element.set(w14(key[4:]) if key.startswith("w14_") else w(key), value)
    return element


def _run(text: str, rtl: bool, placeholder: bool = False, font: str | None = None) -> etree._Element:
    run = _el(w("r"))
    rpr = _el(w("rPr"), run)
    if placeholder:
        _el(w("rStyle"), rpr, val="PlaceholderText")
    if font:
        _el(w("rFonts"), rpr, ascii=font, hAnsi=font, cs=font, eastAsia=font)
    _el(w("shd"), rpr, val="clear", color="auto", fill=ANSWER_FILL)
    if rtl:
        _el(w("rtl"), rpr)
    _el(w("t"), run).text = text
    run[-1].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _answer_lead(rtl: bool) -> etree._Element:
    """An invisible soft hyphen in answer formatting, first in a control showing its placeholder.

    Writer gives typed (or chosen) text the formatting of the first character it replaces:
    without this lead an answer typed over the placeholder stays grey in the PlaceholderText
    style. Word replaces the whole placeholder and formats answers by `sdtPr/rPr`, and readers
    of the text skip `w:softHyphen`."""
    run = _el(w("r"))
    rpr = _el(w("rPr"), run)
    _el(w("shd"), rpr, val="clear", color="auto", fill=ANSWER_FILL)
    if rtl:
        _el(w("rtl"), rpr)
    _el(w("softHyphen"), run)
    return run


def _control(
    tag: str, rtl: bool, placeholder: str | None, title: str | None = None
) -> tuple[etree._Element, etree._Element, etree._Element]:
    """An empty `w:sdt` with its tag and run properties; returns (sdt, sdtPr, sdtContent). The title
    (`w:alias`) is what a screen reader announces on entering the control."""
    sdt = _el(w("sdt"))
    pr = _el(w("sdtPr"), sdt)
    rpr = _el(w("rPr"), pr)
    _el(w("shd"), rpr, val="clear", color="auto", fill=ANSWER_FILL)
    if rtl:
        _el(w("rtl"), rpr)
    if title:
        _el(w("alias"), pr, val=title)
    _el(w("tag"), pr, val=tag)
    if placeholder is not None:
        _el(w("showingPlcHdr"), pr)
    content = _el(w("sdtContent"), sdt)
    if placeholder is not None:
        content.append(_answer_lead(rtl))
        content.append(_run(placeholder, rtl, placeholder=True))
    return sdt, pr, content


def rich_text(tag: str, placeholder: str, rtl: bool = False, title: str | None = None) -> etree._Element:
    """A rich-text control: no type element. (A plain-text `w:text` control lets Writer
    corrupt mixed-script answers.)"""
    return _control(tag, rtl, placeholder, title)[0]


def dropdown(
    tag: str, items: list[tuple[str, str]], placeholder: str, rtl: bool = False, title: str | None = None
) -> etree._Element:
    """A drop-down list: each item shows its label (`w:displayText`) and stores its id (`w:value`)."""
    sdt, pr, _ = _control(tag, rtl, placeholder, title)
    listing = _el(w("dropDownList"), pr)
    _el(w("listItem"), listing, displayText=placeholder, value="")
    for label, value in items:
        _el(w("listItem"), listing, displayText=label, value=value)
    return sdt


def date_picker(tag: str, placeholder: str, lang: str, rtl: bool = False, title: str | None = None) -> etree._Element:
    """A date picker writing ISO dates, so the answer reads the same in every language."""
    sdt, pr, _ = _control(tag, rtl, placeholder, title)
    date = _el(w("date"), pr)
    _el(w("dateFormat"), date, val="yyyy-MM-dd")
    _el(w("lid"), date, val=lang)
    _el(w("storeMappedDataAs"), date, val="dateTime")
    _el(w("calendar"), date, val="gregorian")
    return sdt


def checkbox(tag: str, checked: bool = False) -> etree._Element:
    """A tick box. No `w:alias` or `w:id`: with them Writer turned it into a block control."""
    sdt, pr, content = _control(tag, False, None)
    box = etree.SubElement(pr, w14("checkbox"))
    _el(w14("checked"), box, w14_val="1" if checked else "0")
    _el(w14("checkedState"), box, w14_val="2612", w14_font="MS Gothic")
    _el(w14("uncheckedState"), box, w14_val="2610", w14_font="MS Gothic")
    content.append(_run(BALLOT_BOX_CROSSED if checked else BALLOT_BOX, False, font="Segoe UI Symbol"))
    return sdt


def bookmark_name(name: str) -> str:
    """The bookmark for the control `name`: the name itself while it fits Word's 40 characters,
    else its first 31 characters, "_" and the first 8 hex digits of the SHA-256 of the whole name.

    Writer cuts a longer name to its first 40 characters when it saves, and the tag that also
    names the control is gone by then; two names may share those 40 characters, a hash does not."""
    if len(name) <= BOOKMARK_NAME_LIMIT:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:BOOKMARK_DIGEST]
    return f"{name[: BOOKMARK_NAME_LIMIT - BOOKMARK_DIGEST - 1]}_{digest}"


def bookmarked(parent: etree._Element, name: str, bookmark_id: int, control: etree._Element) -> None:
    """Append `control` to a paragraph, enclosed in the bookmark for `name` (Writer keeps
    bookmarks where it drops the `w:tag`)."""
    _el(w("bookmarkStart"), parent, id=str(bookmark_id), name=bookmark_name(name))
    parent.append(control)
    _el(w("bookmarkEnd"), parent, id=str(bookmark_id))


# Reading


def tag_of(sdt: etree._Element) -> str | None:
    found = sdt.find(f"{w('sdtPr')}/{w('tag')}")
    return found.get(w("val")) if found is not None else None


def kind_of(sdt: etree._Element) -> str:
    """dropdown | checkbox | date | text."""
    pr = sdt.find(w("sdtPr"))
    if pr is None:
        return "text"
    if pr.find(w("dropDownList")) is not None or pr.find(w("comboBox")) is not None:
        return "dropdown"
    if pr.find(w14("checkbox")) is not None:
        return "checkbox"
    if pr.find(w("date")) is not None:
        return "date"
    return "text"


def is_building_block(sdt: etree._Element) -> bool:
    """A control holding a building block such as a table of contents (`w:docPartObj`)."""
    return sdt.find(f"{w('sdtPr')}/{w('docPartObj')}") is not None


def showing_placeholder(sdt: etree._Element) -> bool:
    return sdt.find(f"{w('sdtPr')}/{w('showingPlcHdr')}") is not None


def list_items(sdt: etree._Element) -> list[tuple[str, str]]:
    """(display text, value) of each drop-down item."""
    items = sdt.iterfind(f"{w('sdtPr')}/*/{w('listItem')}")
    return [(i.get(w("displayText")) or i.get(w("value")) or "", i.get(w("value")) or "") for i in items]


def text_of(sdt: etree._Element) -> str:
    """The text shown in the control; paragraphs and line breaks become newlines."""
    content = sdt.find(w("sdtContent"))
    if content is None:
        return ""
    paragraphs = content.findall(f".//{w('p')}") or [content]
    return "\n".join(_paragraph_text(p) for p in paragraphs)


def _paragraph_text(paragraph: etree._Element) -> str:
    parts = []
    for node in paragraph.iter(w("t"), w("br"), w("cr"), w("tab")):
        if node.tag == w("t"):
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == w("tab") else "\n")
    return "".join(parts)


def is_checked(sdt: etree._Element) -> bool:
    """The tick: `w14:checked`, or the crossed box glyph when a program left the flag behind."""
    flag = sdt.find(f"{w('sdtPr')}/{w14('checkbox')}/{w14('checked')}")
    if flag is not None:
        return flag.get(w14("val")) in ("1", "true", "on")
    return BALLOT_BOX_CROSSED in text_of(sdt)


def full_date(sdt: etree._Element) -> str | None:
    """The picked date's `w:fullDate` (ISO date and time), if a program wrote one."""
    found = sdt.find(f"{w('sdtPr')}/{w('date')}")
    return found.get(w("fullDate")) if found is not None else None
