"""Fonts of a Word run, shared by the Word forms and the Word report: every script slot named; the Office
fonts that the Word and Excel forms name; and the document settings both need to stay within the standard."""

from __future__ import annotations

from lxml import etree

from .fonts import FAMILIES, LATIN, require_fonts

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


# Fonts that Office has wherever it runs (Windows installs them; Office for Mac brings Calibri and Arial): the
# Word and Excel forms name these, never Noto, so that Word and Excel do not substitute a font of other metrics.
# Arial carries Arabic on Windows and macOS. Without them, LibreOffice falls back through fontconfig: Carlito
# (metric-compatible with Calibri) where fonts-crosextra-carlito is installed, Noto Sans CJK for Chinese.
OFFICE_FONTS = {"latin": "Calibri", "east_asian": "Microsoft YaHei", "complex": "Arial"}
# A symbol font of every Windows since 7, holding ✓ and ✗ (Calibri and Arial have neither).
SYMBOL_FONT = "Segoe UI Symbol"


def office_fonts() -> dict[str, str]:
    """The Office fonts for each script slot of a run (see `font_families`); no font needs to be installed here."""
    return dict(OFFICE_FONTS)


def office_family(lang: str) -> str:
    """The one Office font for text in `lang`, where a cell takes a single font (Excel)."""
    base = lang.split("-")[0]
    if base == "zh":
        return OFFICE_FONTS["east_asian"]
    return OFFICE_FONTS["complex"] if base in FAMILIES else OFFICE_FONTS["latin"]


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
