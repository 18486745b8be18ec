"""Fonts of a Word run, shared by the Word forms and the Word report: every script slot named;
and the document settings both need to stay within the standard."""

from __future__ import annotations

from lxml import etree

from .fonts import FAMILIES, LATIN, require_fonts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


def font_families(lang: str) -> dict[str, str]:
    """The font for each script slot of a run: Latin and Cyrillic, East Asian, complex (Arabic).
    Every slot is named so that answers in another script than the form's still display."""
    require_fonts(lang)
    return {"latin": LATIN[0], "east_asian": FAMILIES["zh"][0], "complex": FAMILIES["ar"][0]}


def set_run_fonts(rpr: etree._Element, fonts: dict[str, str], hint: str | None = None) -> None:
    """Name the fonts explicitly, dropping theme fonts that would override them."""
    for old in rpr.findall(w("rFonts")):
        rpr.remove(old)
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(w("ascii"), fonts["latin"])
    rfonts.set(w("hAnsi"), fonts["latin"])
    rfonts.set(w("eastAsia"), fonts["east_asian"])
    rfonts.set(w("cs"), fonts["complex"])
    if hint:
        rfonts.set(w("hint"), hint)


def complete_zoom_setting(settings: etree._Element) -> None:
    """python-docx's template writes `<w:zoom w:val="bestFit"/>` without `w:percent`, which the
    schema requires (Word may then offer to repair the file); 100 % is what Word itself writes."""
    zoom = settings.find(w("zoom"))
    if zoom is not None and zoom.get(w("percent")) is None:
        zoom.set(w("percent"), "100")
