"""What people see on the workbook's tabs and results sheet: one number format per result (a mean always with
two decimals: 2.00, 0.80, 1.25; a percentage, a verdict and a product of whole scale values as whole numbers),
and tab names cut from a long title after a whole word, never mid-word or after a lone quotation mark."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from aitk_forms.formats import xlsx
from aitk_forms.formats.xlsx.style import sheet_name
from aitk_forms.xlsx_limits import SHEET_NAME, excel_length

EXPECTED = {"mean": "0.00", "completeness": "0", "any": "0", "product": "0", "max": "0"}


@pytest.mark.parametrize("form_id", ("readiness", "risk", "workbook"))
def test_every_score_cell_has_the_number_format_of_its_method(small_content, tmp_path, form_id):
    form = small_content.form(form_id)
    path = tmp_path / f"{form_id}.xlsx"
    xlsx.render(small_content, form, "en", path)
    book = load_workbook(path)
    formats = {}
    for rule in form.results:
        ((sheet, ref),) = book.defined_names[f"score_{rule.key}"].destinations
        formats[rule.key] = (rule.method, book[sheet][ref.replace("$", "")].number_format)
    assert formats == {key: (method, EXPECTED[method]) for key, (method, _) in formats.items()}


@pytest.mark.parametrize(
    "title,tab",
    [
        ("Organizational Readiness Assessment", "Organizational Readiness"),
        ("Évaluation de l’état de préparation organisationnelle", "Évaluation de l’état"),
        ("Рабочая тетрадь «Ответственные инновации в области ИИ на практике»", "Рабочая тетрадь"),
        ("كراسة عمل الابتكار المسؤول في مجال الذكاء الاصطناعي", "كراسة عمل الابتكار المسؤول"),
        ("Responsible AI Innovation in Action Workbook", "Responsible AI Innovation"),
        ("风险评估" * 10, "风险评估" * 7 + "风险评"),  # no spaces to cut at: 31 characters
        ("Risk (fixture)", "Risk (fixture)"),
    ],
)
def test_a_long_title_makes_a_tab_name_cut_after_a_whole_word_with_no_lone_quotation_mark(title, tab):
    name = sheet_name(title, set())
    assert name == tab and excel_length(name) <= SHEET_NAME
