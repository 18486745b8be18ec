"""The Word and Excel forms name fonts that Office has (Calibri, Arial for Arabic, Microsoft YaHei for
Chinese, Segoe UI Symbol for ✓ and ✗), never Noto, which Office on Windows does not have."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from aitk_forms.formats import docx, xlsx
from aitk_forms.typesetting.word import OFFICE_FONTS, SYMBOL_FONT
from conftest import FORM_IDS, LANGUAGES

EXCEL_FONTS = {"en": "Calibri", "fr": "Calibri", "es": "Calibri", "ru": "Calibri", "ar": "Arial", "zh": "Microsoft YaHei"}


def xml_parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_no_part_of_a_word_or_excel_form_names_a_noto_font(small_content, tmp_path, form_id, lang):
    form = small_content.form(form_id)
    for codec, suffix in ((docx, "docx"), (xlsx, "xlsx")):
        path = tmp_path / f"form.{suffix}"
        codec.render(small_content, form, lang, path)
        named = [name for name, text in xml_parts(path).items() if "Noto" in text]
        assert named == [], f"{suffix}: {named}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_excel_cell_is_in_the_office_font_of_its_language_and_ticks_in_a_symbol_font(small_content, tmp_path, lang):
    path = tmp_path / "risk.xlsx"
    xlsx.render(small_content, small_content.form("risk"), lang, path)
    book = load_workbook(path)
    fonts: dict[str, set[str]] = {}
    for sheet in book.worksheets[:3]:  # about, questions, results: their visible columns are what people see
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and not sheet.column_dimensions[cell.column_letter].hidden:
                    kind = "tick" if isinstance(cell.value, str) and '"✓"' in cell.value else "text"
                    fonts.setdefault(kind, set()).add(cell.font.name)
    assert fonts == {"text": {EXCEL_FONTS[lang]}, "tick": {SYMBOL_FONT}}


def test_the_office_fonts_are_the_ones_the_word_forms_name_in_each_slot():
    assert OFFICE_FONTS == {"latin": "Calibri", "east_asian": "Microsoft YaHei", "complex": "Arial"}
