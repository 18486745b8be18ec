"""The Excel codec: a protected workbook that scores itself with plain formulas, and its reader.

Sheets, in order: the about sheet (what, how to fill, how scored, where to send), the questions,
the live results, then the hidden option lists and the `_aitk` identity sheet (INTERFACES.md).
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from openpyxl import Workbook
from openpyxl.workbook.protection import WorkbookProtection

from ...identity import Identity
from ...model import Content, Form
from ..codec import DEFAULT_OPTIONS, RenderOptions
from .bands import band_texts
from .cached import write_cached_values
from .lists import LISTS_SHEET, add_lists_sheet
from .package import META_SHEET
from .questions import add_question_sheet
from .results import add_results_sheet
from .shown import blank_values
from .style import HEADER_FILL, MAINTAINER_PASSWORD, Styles, print_setup, protect, put, sheet_name, text_height

ABOUT_WIDTHS = {"A": 26, "B": 90}


def render(content: Content, form: Form, lang: str, path: Path | str, options: RenderOptions = DEFAULT_OPTIONS) -> None:
    """Write the workbook of `form` in `lang` to `path`."""
    styles = Styles(lang)
    wb = Workbook()
    about = wb.active
    taken = {META_SHEET}
    about.title = sheet_name(content.text("about_title", lang), taken)
    lists = add_lists_sheet(wb, content, form, lang, styles)
    questions = add_question_sheet(wb, sheet_name(tab_title(form, lang), taken), content, form, lang, styles, lists)
    results_name = sheet_name(content.text("results_title", lang), taken)
    results = add_results_sheet(wb, results_name, content, form, lang, styles, questions)
    _about_sheet(about, content, form, lang, styles, options)
    _meta_sheet(wb, Identity.of(form, lang, content.name, options.round, options.unit))
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 2 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.security.workbookPassword = MAINTAINER_PASSWORD
    wb.calculation.fullCalcOnLoad = True  # openpyxl stores no computed values: compute on opening
    wb.properties.title = form.title.get(lang)
    wb.properties.creator = "aitk-forms"
    wb.properties.language = lang
    wb.save(str(path))
    # Previews compute nothing: the file carries what its formulas give while nothing is answered (a formula
    # this step cannot work out keeps an empty value, as openpyxl writes it; tests/test_xlsx_cached_values.py).
    write_cached_values(path, blank_values(content, form, lang, questions, results))


def tab_title(form: Form, lang: str) -> str:
    """The questions sheet's tab: the form's short title in `lang`, else its full title in `lang` (an English
    short title on a French workbook would read worse than a French title cut after a whole word)."""
    short = form.short_title.translation(lang) if form.short_title else None
    return short or form.title.get(lang)


def _language_name(lang: str) -> str:
    try:
        return f"{Locale.parse(lang).get_display_name(lang)} ({lang})"
    except (UnknownLocaleError, ValueError):
        return lang


def _about_sheet(ws, content: Content, form: Form, lang: str, styles: Styles, options: RenderOptions = DEFAULT_OPTIONS) -> None:
    for column, width in ABOUT_WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.merge_cells("A1:B1")
    put(ws, "A1", form.title.get(lang), styles, size=16, bold=True, wrap=False)
    ws.row_dimensions[1].height = 28
    facts = [
        ("form_label", form.title.get(lang)),
        ("version_label", form.version),
        ("language_label", _language_name(lang)),
        *(("round_label", value) for value in [options.round] if value),
        *(("unit_label", value) for value in [options.unit] if value),
        ("identifier_label", f"{form.id} · {form.fingerprint}"),
    ]
    row = 2
    for key, value in facts:
        row += 1
        put(ws, f"A{row}", content.text(key, lang), styles, bold=True)
        put(ws, f"B{row}", value, styles)
    blocks = [
        ("about_title", form.description.get(lang) if form.description else ""),
        ("pathway_title", content.text("pathway", lang)),
        ("how_to_fill_title", content.text("how_to_fill_xlsx", lang)),
        ("how_scored_title", content.text("how_scored_scale", lang)),
        ("return_title", content.text("return_instruction", lang)),
        ("source_note_title", content.source.get(lang)),
    ]
    for key, text in blocks:
        if not text.strip():
            continue
        if key == "return_title":
            row = _level_rows(ws, row + 1, form, lang, styles)
        row += 2
        ws.merge_cells(f"A{row}:B{row}")
        put(ws, f"A{row}", content.text(key, lang), styles, size=12, bold=True, color="FFFFFF", fill=HEADER_FILL)
        row += 1
        ws.merge_cells(f"A{row}:B{row}")
        put(ws, f"A{row}", text.strip(), styles)
        ws.row_dimensions[row].height = text_height([(text.strip(), sum(ABOUT_WIDTHS.values()))])
    print_setup(ws, f"A1:B{row}", styles)
    protect(ws)


def _level_rows(ws, row: int, form: Form, lang: str, styles: Styles) -> int:
    """What each level means: its label, its band of scores and what to do next; return the last row."""
    used = [name for name in dict.fromkeys(r.levels for r in form.results if r.levels)]
    for name in used:
        # Ranges, not inequalities: LibreOffice reorders "0 ≤ … < 1" in a right-to-left sheet without
        # mirroring the signs, which reads as nonsense; "0 – 1" reads right in either direction.
        bands = band_texts(form, name)
        for level in form.level_set(name):
            row += 1
            recommendation = level.recommendation.get(lang) if level.recommendation else ""
            text = " — ".join(part for part in (bands[level.id], recommendation) if part)
            put(ws, f"A{row}", level.label.get(lang), styles, bold=True)
            put(ws, f"B{row}", text, styles)
            ws.row_dimensions[row].height = text_height([(text, ABOUT_WIDTHS["B"])])
        row += 1
    return row - 1


def _meta_sheet(wb: Workbook, identity: Identity) -> None:
    ws = wb.create_sheet(META_SHEET)
    for key, value in identity.as_dict().items():
        ws.append([key, value])
    # Hidden, not "veryHidden": LibreOffice turns veryHidden into hidden on saving anyway.
    ws.sheet_state = "hidden"
    protect(ws)
