"""Accessible Office documents: what a screen reader finds in the Word forms, the workbooks and consolidated.xlsx.

Word: each text, drop-down and date control has a title (`w:alias`) naming its question, check boxes none
(Writer breaks a check box with a title); the document has a title and a language. Excel: each answer cell
has an input message naming its question with the first sentence of its guidance, within Excel's limits;
each chart of consolidated.xlsx has alt text.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, LineChart, Reference

from aitk_forms.formats import CODECS
from aitk_forms.formats.docx.styles import LOCALES
from aitk_forms.formats.xlsx.prompts import TEXT_LIMIT, TITLE_LIMIT, first_sentence, fit
from aitk_forms.reports import write_reports
from aitk_forms.reports.chart_alt import chart_descriptions, describe, write_chart_descriptions
from aitk_forms.wording import question_numbers
from aitk_forms.xlsx_limits import excel_length
from test_reports import build_import

LANGS = ("en", "fr", "es", "ar", "ru", "zh")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
XDR = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"


@pytest.fixture(scope="module")
def built(small_content, tmp_path_factory) -> dict[tuple[str, str, str], Path]:
    """(format, form id, language) -> every small form as .docx and .xlsx."""
    folder, paths = tmp_path_factory.mktemp("accessible"), {}
    for fmt in ("docx", "xlsx"):
        for lang in LANGS:
            for form in small_content.forms:
                paths[fmt, form.id, lang] = folder / f"{form.id}-{lang}.{fmt}"
                CODECS[fmt].render(small_content, form, lang, paths[fmt, form.id, lang])
    return paths


def controls(path: Path) -> dict[str, etree._Element]:
    """Tag -> the sdtPr of each content control of the document body."""
    with zipfile.ZipFile(path) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return {pr.find(f"{W}tag").get(f"{W}val"): pr for pr in root.iter(f"{W}sdtPr") if pr.find(f"{W}tag") is not None}


# Word


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_drop_down_and_date_control_is_titled_with_its_question_number_and_label(small_content, built, lang):
    for form in small_content.forms:
        found, numbers = controls(built["docx", form.id, lang]), question_numbers(form)
        titled = [q for q in form.questions() if q.kind != "multi_choice"]
        assert titled, form.id
        for q in titled:
            alias = found[q.id].find(f"{W}alias")
            assert alias is not None, f"{form.id}/{lang}: the control of {q.id} has no title"
            assert alias.get(f"{W}val") == f"{numbers[q.id]} {q.label.get(lang)}"


def test_check_boxes_carry_no_title_for_writer_turns_them_into_block_controls(small_content, built):
    form = small_content.form("risk")
    boxes = [pr for pr in controls(built["docx", "risk", "en"]).values() if pr.find(f"{W14}checkbox") is not None]
    assert len(boxes) == sum(len(q.choices) for q in form.questions() if q.kind == "multi_choice") > 0
    assert all(pr.find(f"{W}alias") is None and pr.find(f"{W}id") is None for pr in boxes)


@pytest.mark.parametrize("lang", LANGS)
def test_the_document_has_a_title_and_its_language(small_content, built, lang):
    document = docx.Document(str(built["docx", "readiness", lang]))
    assert document.core_properties.title == small_content.form("readiness").title.get(lang)
    assert document.core_properties.language == LOCALES.get(lang, lang)
    styles = document.styles.element
    for rpr in (styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"), document.styles["Normal"].element.rPr):
        assert rpr.find(f"{W}lang").get(f"{W}val") == LOCALES.get(lang, lang)


@pytest.mark.parametrize("lang", ("en", "ar", "zh"))
def test_every_scale_table_has_a_marked_header_row_naming_its_columns(small_content, built, lang):
    for form in small_content.forms:
        tables = docx.Document(str(built["docx", form.id, lang])).tables[1:]  # after the title page's identity table
        if form.id != "workbook":
            assert tables, form.id
        for table in tables:
            header = table.rows[0]
            assert header._tr.trPr is not None and header._tr.trPr.find(f"{W}tblHeader") is not None
            keys = ("score_label", "answer_label", "help_label")[: len(header.cells)]
            assert [cell.text for cell in header.cells] == [small_content.text(key, lang) for key in keys]


# Excel: input messages


def validations_by_cell(path: Path) -> dict[str, object]:
    """Answer-cell reference -> the data validation that covers it, on the questions sheet."""
    book = load_workbook(path)
    found = {}
    for name, definition in book.defined_names.items():
        if name.startswith("ans_"):
            sheet, ref = next(iter(definition.destinations))
            ref = ref.replace("$", "")
            covering = [dv for dv in book[sheet].data_validations.dataValidation if ref in dv.sqref]
            found[name] = covering[0] if len(covering) == 1 else covering
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_cell_has_an_input_message_naming_its_question_with_its_guidance(small_content, built, lang):
    label = small_content.text("question_label", lang)
    for form in small_content.forms:
        numbers, found = question_numbers(form), validations_by_cell(built["xlsx", form.id, lang])
        for q in form.questions():
            names = [f"ans_{q.id}__{c.id}" for c in q.choices] if q.kind == "multi_choice" else [f"ans_{q.id}"]
            for name in names:
                dv = found[name]
                assert not isinstance(dv, list), f"{form.id}/{lang}: {name} is covered by {len(dv)} validations"
                assert dv.showInputMessage and dv.promptTitle == f"{label} {numbers[q.id]}"
                assert excel_length(dv.promptTitle) <= TITLE_LIMIT and excel_length(dv.prompt) <= TEXT_LIMIT
                if q.help:
                    assert dv.prompt.startswith(fit(first_sentence(q.help.get(lang)), TEXT_LIMIT)[:40])


def test_a_question_without_a_list_still_refuses_nothing_and_only_informs(small_content, built):
    found = validations_by_cell(built["xlsx", "workbook", "en"])
    text = found["ans_planning_need"]
    assert text.type is None and text.prompt  # "any value": nothing refused, the input message shown


def test_the_first_sentence_ends_at_a_full_stop_not_at_an_abbreviation():
    assert first_sentence("Name the unit, e.g. the data office. Then the rest.") == "Name the unit, e.g. the data office."
    assert first_sentence("一句话。第二句话。") == "一句话。"
    assert first_sentence("هل توجد سياسة؟ ثم الباقي.") == "هل توجد سياسة؟"
    assert first_sentence("No full stop\nat all") == "No full stop at all"


def test_a_message_too_long_for_excel_is_cut_at_a_word_within_the_limit_counted_as_excel_counts():
    cut = fit("word " * 100, TEXT_LIMIT)
    assert excel_length(cut) <= TEXT_LIMIT and cut.endswith("word…")
    emoji = fit("\U0001f600" * 40, TITLE_LIMIT)  # each counts two units in Excel
    assert excel_length(emoji) <= TITLE_LIMIT and emoji.endswith("…")
    assert fit("Question 2.3", TITLE_LIMIT) == "Question 2.3"


# consolidated.xlsx: charts


def chart_alt_texts(path: Path) -> list[str | None]:
    with zipfile.ZipFile(path) as package:
        drawings = [package.read(n) for n in package.namelist() if n.startswith("xl/drawings/drawing")]
    return [p.get("descr") for d in drawings for p in etree.fromstring(d).iter(f"{XDR}cNvPr")]


@pytest.fixture(scope="module")
def consolidated(small_content, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("consolidated")
    write_reports(small_content, build_import(small_content), folder)
    return folder / "consolidated.xlsx"


def test_every_chart_of_the_consolidated_workbook_has_alt_text_describing_its_data(consolidated):
    texts = chart_alt_texts(consolidated)
    assert len(texts) == 3 and all(texts), texts
    assert any(t.startswith("Bar chart of the mean score of each part of the Readiness") for t in texts)
    assert any(t.startswith("Stacked bar chart of the number of responses at each risk level") for t in texts)


def test_alt_text_goes_to_the_chart_it_was_given_to_on_each_sheet(tmp_path):
    book = Workbook()
    first, second = book.active, book.create_sheet("Second – sheet")
    for sheet in (first, second):
        sheet.append(["x", 1])
        sheet.append(["y", 2])
    for sheet, texts in ((first, ["one", "two"]), (second, [None])):
        for text in texts:
            chart = LineChart() if text else BarChart()
            chart.title = "Untold"
            chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=2))
            sheet.add_chart(describe(chart, text) if text else chart, "D2")
    descriptions = chart_descriptions(book)
    book.save(tmp_path / "book.xlsx")
    write_chart_descriptions(tmp_path / "book.xlsx", descriptions)
    assert descriptions == {first.title: ["one", "two"], "Second – sheet": ["Untold"]}
    assert chart_alt_texts(tmp_path / "book.xlsx") == ["one", "two", "Untold"]
    assert len(load_workbook(tmp_path / "book.xlsx").worksheets) == 2  # still a workbook openpyxl reads


# Excel: header rows a screen reader announces


def column_titles(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Sheet title -> its ColumnTitle names as (name, the text of the cell they name)."""
    book = load_workbook(path)
    found = {}
    for sheet in book.worksheets:
        for name, definition in sheet.defined_names.items():
            if name.startswith("ColumnTitle"):
                target, ref = next(iter(definition.destinations))
                assert target == sheet.title, f"{name} on {sheet.title} names a cell of {target}"
                found.setdefault(sheet.title, []).append((name, book[target][ref.replace("$", "")].value))
    return found


@pytest.mark.parametrize("lang", ("en", "ar"))
def test_the_question_and_results_headers_are_named_column_titles(small_content, built, lang):
    titles = column_titles(built["xlsx", "risk", lang])
    assert [("ColumnTitle", small_content.text("number_label", lang))] in titles.values()
    results = [names for names in titles.values() if names[0][0] == "ColumnTitle" and names[0][1] is None]
    assert results, titles  # the results table's header starts with an empty corner cell
    assert all(names[0][0] == "ColumnTitle" for names in titles.values())


def test_every_sheet_of_the_consolidated_workbook_names_its_header_row(consolidated):
    titles = column_titles(consolidated)
    book = load_workbook(consolidated)
    assert set(titles) == {sheet.title for sheet in book.worksheets}
    assert titles["Import log"] == [("ColumnTitle", "path")]
