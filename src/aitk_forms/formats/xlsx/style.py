"""Cell styles of the Excel workbook, and the sheet helpers every part of it shares."""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.worksheet import Worksheet

from ...model import is_rtl
from ...typesetting.word import office_family
from ...xlsx_limits import SHEET_NAME, excel_length

# Documented in the README: protection keeps questions from being changed by accident, not secret.
MAINTAINER_PASSWORD = "aitk-forms"
FORBIDDEN_IN_SHEET_NAMES = set("[]:*?/\\")
OPENING_MARKS = {"«": "»", "“": "”", "(": ")", "「": "」", "《": "》", "（": "）"}
STRAIGHT_QUOTES = ('"',)

PAPER_FILL = PatternFill("solid", fgColor="F2F4F7")  # every cell that is not an answer
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
SECTION_FILL = PatternFill("solid", fgColor="D9E2F3")
GROUP_FILL = PatternFill("solid", fgColor="B4C6E7")
ANSWER_FILL = PatternFill("solid", fgColor="FFFFFF")
NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")
MISSING_FILL = PatternFill("solid", fgColor="FCE4D6")
THIN = Side(style="thin", color="8EA9DB")
ANSWER_BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)

# Level colours by position from the best band to the worst.
GOOD_TO_BAD = ("C6EFCE", "FFEB9C", "F8CBAD", "FFC7CE", "FF9999")


@dataclass(frozen=True)
class Styles:
    """Fonts and alignment for one language."""

    lang: str

    @property
    def rtl(self) -> bool:
        return is_rtl(self.lang)

    @property
    def family(self) -> str:
        return office_family(self.lang)

    def font(
        self, size: float = 10, bold: bool = False, italic: bool = False, color: str = "000000", family: str | None = None
    ) -> Font:
        return Font(name=family or self.family, size=size, bold=bold, italic=italic, color=color)

    def align(self, wrap: bool = True, horizontal: str | None = None, indent: int = 0) -> Alignment:
        # Right-to-left text needs the reading order set, or punctuation lands on the wrong side.
        return Alignment(
            wrap_text=wrap,
            vertical="top",
            horizontal=horizontal or ("right" if self.rtl else "left"),
            indent=indent,
            readingOrder=2 if self.rtl else 1,
        )


def put(
    ws: Worksheet,
    ref: str,
    value: object,
    styles: Styles,
    *,
    size: float = 10,
    bold: bool = False,
    italic: bool = False,
    color: str = "000000",
    fill: PatternFill | None = PAPER_FILL,
    wrap: bool = True,
    horizontal: str | None = None,
    indent: int = 0,
    family: str | None = None,
) -> None:
    """Write one locked, styled cell (in the language's font unless `family` names another)."""
    cell = ws[ref]
    cell.value = value
    cell.font = styles.font(size, bold, italic, color, family)
    cell.alignment = styles.align(wrap, horizontal, indent)
    if fill is not None:
        cell.fill = fill


def unlock_answer(ws: Worksheet, ref: str, styles: Styles, number_format: str | None = None) -> None:
    cell = ws[ref]
    cell.protection = UNLOCKED
    cell.fill = ANSWER_FILL
    cell.border = ANSWER_BORDER
    cell.font = styles.font()
    cell.alignment = styles.align()
    if number_format:
        cell.number_format = number_format


def text_height(texts: list[tuple[str, float]], minimum: float = 15.0) -> float:
    """A row height in points fitting each (text, column width in characters) pair, wrapped."""
    lines = 1
    for text, width in texts:
        count = 0
        for paragraph in str(text).split("\n"):
            # East Asian characters take two character widths.
            units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in paragraph)
            # A column width unit holds about 1.1 characters of 10-point Noto Sans: Calibri, the cells' font, is
            # about 14 % narrower and its lines shorter (12.2 points against 13.6), so rows fit it with room to
            # spare, and fit LibreOffice where it shows Noto for want of the Office fonts.
            count += max(1, math.ceil(units / max(width * 1.1 - 2, 1)))
        lines = max(lines, count)
    # Arabic script needs taller lines than Latin, Cyrillic or Chinese (Noto Naskh's; Arial's are shorter).
    line = 18.0 if any("\u0600" <= ch <= "\u06ff" for text, _ in texts for ch in str(text)) else 14.0
    return max(minimum, line * lines + 4)


def protect(ws: Worksheet) -> None:
    """Lock the sheet: answer cells stay editable with no password, the rest needs the maintainers' one."""
    ws.protection.sheet = True
    ws.protection.password = MAINTAINER_PASSWORD
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def print_setup(ws: Worksheet, area: str, styles: Styles, landscape: bool = False, title_rows: str | None = None) -> None:
    ws.print_area = area
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.sheet_view.rightToLeft = styles.rtl
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name made from a translated title (31 characters, no []:*?/\\)."""
    name = _cut_at_word("".join(" " if ch in FORBIDDEN_IN_SHEET_NAMES else ch for ch in text).strip().strip("'")) or "Sheet"
    candidate, n = name, 2
    while candidate.casefold() in {t.casefold() for t in taken}:
        candidate = f"{name[:28]} {n}"
        n += 1
    taken.add(candidate)
    return candidate


def _cut_at_word(name: str, limit: int = SHEET_NAME) -> str:
    """`name` within Excel's sheet-name limit, cut after a whole word where it has spaces, and before an
    opening quotation mark or bracket whose closing one was cut off (no lone « or half a word on the tab).
    The real remedy is a short title in the content; this keeps a long one readable meanwhile."""
    if excel_length(name) <= limit:
        return name
    cut = name
    while excel_length(cut) > limit:
        cut = cut[:-1]
    if " " in cut.strip() and not name[len(cut)].isspace():
        cut = cut.rsplit(" ", 1)[0]
    words = cut.split()
    while len(words) > 1 and len(words[-1]) <= 3 and not words[-1].isupper():
        words.pop()  # a cut title ends on a word that means something, not on "de", "in" or "في"
    cut = " ".join(words) if words else cut
    for opening, closing in OPENING_MARKS.items():
        if cut.count(opening) > cut.count(closing) and cut[: cut.rfind(opening)].strip():
            cut = cut[: cut.rfind(opening)]
    for mark in STRAIGHT_QUOTES:  # the same mark opens and closes: an odd count leaves one open
        if cut.count(mark) % 2 and cut[: cut.rfind(mark)].strip():
            cut = cut[: cut.rfind(mark)]
    return cut.rstrip(" ,;:-–—'\"")


def quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def absolute(sheet: str, column: str, row: int) -> str:
    return f"{quoted(sheet)}!${column}${row}"


def level_colours(count: int, higher_is_worse: bool) -> list[str]:
    """One fill colour per level, ordered as the level set (lowest score first)."""
    ramp = list(GOOD_TO_BAD[:count]) if count <= len(GOOD_TO_BAD) else [GOOD_TO_BAD[min(i, 4)] for i in range(count)]
    if count == 2:
        ramp = [GOOD_TO_BAD[0], GOOD_TO_BAD[3]]
    elif count == 3:
        ramp = [GOOD_TO_BAD[0], GOOD_TO_BAD[1], GOOD_TO_BAD[3]]
    return ramp if higher_is_worse else ramp[::-1]
