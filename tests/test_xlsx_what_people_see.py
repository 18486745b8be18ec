"""What people see on the workbook's tabs and results sheet: one number format per result (a mean always with
two decimals: 2.00, 0.80, 1.25; a percentage, a verdict and a product of whole scale values as whole numbers),
and tab names cut from a long title after a whole word, never mid-word or after a lone quotation mark."""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook

from aitk_forms.formats import xlsx
from aitk_forms.formats.xlsx.bands import band_texts
from aitk_forms.formats.xlsx.render import tab_title
from aitk_forms.formats.xlsx.style import OPENING_MARKS, sheet_name
from aitk_forms.model import Text
from aitk_forms.xlsx_limits import SHEET_NAME, excel_length
from conftest import FORM_IDS, LANGUAGES

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
        ('Workbook for the "Responsible AI Innovation" toolkit', "Workbook for the"),
    ],
)
def test_a_long_title_makes_a_tab_name_cut_after_a_whole_word_with_no_lone_quotation_mark(title, tab):
    name = sheet_name(title, set())
    assert name == tab and excel_length(name) <= SHEET_NAME


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_no_bundled_tab_name_is_cut_mid_word_or_leaves_a_quotation_mark_open(real_content, form_id, lang):
    form = real_content.form(form_id)
    text = tab_title(form, lang)
    name = sheet_name(text, {"_aitk"})
    assert excel_length(name) <= SHEET_NAME
    # the whole title, or its first words: what follows the tab's text in the title starts a new word
    assert text.startswith(name), (text, name)
    assert name == text or text[len(name)] in " ,;:-–—" or not any(ch.isspace() for ch in text), (text, name)
    for opening, closing in OPENING_MARKS.items():
        assert name.count(opening) <= name.count(closing), name
    assert name.count('"') % 2 == 0


@pytest.mark.parametrize("form_id,tab", [("readiness", "Readiness"), ("risk", "Risk"), ("workbook", "Workbook")])
def test_the_questions_tab_carries_the_short_title_where_the_content_gives_one(real_content, tmp_path, form_id, tab):
    form = real_content.form(form_id)
    xlsx.render(real_content, form, "en", tmp_path / "form.xlsx")
    assert load_workbook(tmp_path / "form.xlsx").sheetnames[1] == tab
    # a language without a translated short title keeps its own title, not the English short one
    english_only = replace(form, short_title=Text("short_title", (("en", tab),)))
    assert tab_title(english_only, "fr") == form.title.get("fr") != tab
    assert tab_title(replace(form, short_title=None), "en") == form.title.get("en")


def test_about_sheet_prints_the_scores_each_risk_level_really_takes_and_verdicts_without_numbers(real_content, tmp_path):
    form = real_content.form("risk")
    path = tmp_path / "risk.xlsx"
    xlsx.render(real_content, form, "en", path)
    about = load_workbook(path).worksheets[0]
    bands = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row[0] and row[1]}
    # likelihood × severity on 1..5 never reaches 17, 18 or 19: the bands share no end point
    assert bands["Low"].startswith("1 – 4 — ")
    assert bands["Medium"].startswith("5 – 9 — ")
    assert bands["High"].startswith("10 – 16 — ")
    assert bands["Extremely high"].startswith("20 – 25 — ")
    verdicts = [label.get("en") for label in (lv.label for lv in form.level_set("applicability"))]
    for verdict in verdicts:
        assert not any(ch.isdigit() for ch in bands[verdict]), bands[verdict]


def test_level_bands_of_means_end_under_the_next_level_and_a_single_value_prints_once(real_content):
    assert band_texts(real_content.form("readiness"), "readiness") == {
        "beginning": "0 – 0.99",
        "developing": "1 – 1.99",
        "established": "2 – 2.99",
        "advanced": "3 – 4",
    }
    assert band_texts(real_content.form("workbook"), "completeness") == {
        "incomplete": "0 – 49",
        "partial": "50 – 99",
        "complete": "100",
    }


def test_a_blank_workbook_colours_no_level_until_something_is_answered(small_content, tmp_path):
    form = small_content.form("workbook")
    path = tmp_path / "workbook.xlsx"
    xlsx.render(small_content, form, "en", path)
    book = load_workbook(path)
    ((sheet, ref),) = book.defined_names["level_overall"].destinations
    results = book[sheet]
    assert results["G3"].value.startswith("=SUM(") and "!$G$" in results["G3"].value  # the answered questions
    level_rules = [
        rule.formula[0]
        for ranges in results.conditional_formatting
        for rule in ranges.rules
        if str(ranges.sqref).startswith("C") and rule.formula and "$F$" in rule.formula[0]
    ]
    assert level_rules and all(formula.endswith(",$G$3>0)") for formula in level_rules)


def test_a_verdict_row_has_no_score_only_its_level(small_content, tmp_path):
    form = small_content.form("risk")
    path = tmp_path / "risk.xlsx"
    xlsx.render(small_content, form, "en", path)
    book = load_workbook(path)
    verdicts = [rule.key for rule in form.results if rule.method == "any"]
    assert verdicts
    for key in verdicts:
        ((sheet, score),) = book.defined_names[f"score_{key}"].destinations
        ((_, level),) = book.defined_names[f"level_{key}"].destinations
        assert book[sheet][score.replace("$", "")].value is None
        assert book[sheet][level.replace("$", "")].value.startswith("=IF(")
