"""A blank workbook carries the results of its formulas (`<v>` in every formula cell of the questions and
results sheets), so that mail and cloud previews, which compute nothing, show the results sheet as Excel
does: "0 of 62 answered", each result's "Provisional: 0 of 6 questions answered", a workbook stage at
0 "Incomplete". The values are worked out from scoring.py; here they are held equal to scoring.py's live
cells (read with openpyxl's data_only, as a preview reads them), to every formula recomputed by the
`formulas` engine, and to LibreOffice's full recalculation."""

from __future__ import annotations

import zipfile

import formulas
import pytest
import schedula
from lxml import etree
from openpyxl import load_workbook

from aitk_forms.formats import xlsx
from aitk_forms.formats.xlsx.cached import write_cached_values
from aitk_forms.formats.xlsx.package import MAIN
from conftest import FORM_IDS, LANGUAGES, require_client
from live_results import differences, expected_cells, fill_job, live_names, recalculate
from test_xlsx_live_results import contents  # noqa: F401  (the variant contents fixture)

VARIANTS = ("small", "floors", "hidden", "v11")
NS = {"m": MAIN}


def formula_cells(path, sheet_index: int) -> dict[str, etree._Element]:
    """Cell reference -> the `<c>` of every formula cell of the sheet at `sheet_index` (xl/worksheets/sheetN.xml)."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read(f"xl/worksheets/sheet{sheet_index + 1}.xml"))
    return {c.get("r"): c for c in root.iterfind("m:sheetData/m:row/m:c", NS) if c.find("m:f", NS) is not None}


def cached(path) -> dict[str, object]:
    """'SHEET'!A1 -> the cached value of every formula cell of the questions and results sheets ("" for none)."""
    book = load_workbook(path, data_only=True)
    found = {}
    for index in (1, 2):
        sheet = book.worksheets[index]
        for ref in formula_cells(path, index):
            value = sheet[ref].value
            found[f"{sheet.title.upper()}!{ref}"] = "" if value is None else value
    return found


def same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) < 1e-9
    return a == b


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_preview_of_a_blank_workbook_shows_the_results_sheet_scoring_py_gives(real_content, tmp_path, form_id, lang):
    form = real_content.form(form_id)
    path = tmp_path / f"{form_id}.xlsx"
    xlsx.render(real_content, form, lang, path)
    book = load_workbook(path, data_only=True)
    shown = {}
    for name in live_names(form):
        ((sheet, ref),) = book.defined_names[name].destinations
        value = book[sheet][ref.replace("$", "")].value
        shown[name] = None if value in (None, "") else value
    assert differences(expected_cells(real_content, form, lang, {}), shown) == {}
    results = book.worksheets[2]
    total = sum(1 for q in form.questions() if q.show_if is None)
    assert results["A2"].value == real_content.text("progress", lang).format(answered=0, total=total)
    assert any(shown.values())  # not the empty sheet a preview showed before


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_formula_cell_carries_a_value_typed_as_excel_types_it(contents, tmp_path, variant, form_id):  # noqa: F811
    content = contents[variant]
    path = tmp_path / "blank.xlsx"
    xlsx.render(content, content.form(form_id), "en", path)
    for index in (1, 2):  # the questions and results sheets
        cells = formula_cells(path, index)
        assert cells
        for ref, cell in cells.items():
            value = cell.find("m:v", NS)
            assert value is not None, ref
            # a text result (even "") is typed "str"; any other is a number, never an empty value
            assert cell.get("t") == "str" or (value.text or "").strip(), (index, ref)


def test_a_formula_with_no_value_worked_out_is_reported_and_left_as_it_was(small_content, tmp_path):
    path = tmp_path / "blank.xlsx"
    xlsx.render(small_content, small_content.form("risk"), "en", path)
    results_sheet = load_workbook(path).worksheets[2].title
    missing = write_cached_values(path, {results_sheet: {"A2": "0 of 9 answered"}})
    assert f"{results_sheet}!A3" in missing and f"{results_sheet}!A2" not in missing
    assert load_workbook(path, data_only=True).worksheets[2]["A2"].value == "0 of 9 answered"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_cached_values_are_what_the_formulas_engine_computes_for_every_formula(contents, tmp_path, variant, form_id):  # noqa: F811
    content = contents[variant]
    path = tmp_path / f"{variant}-{form_id}.xlsx"
    xlsx.render(content, content.form(form_id), "ar" if variant == "v11" else "en", path)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    written = cached(path)
    computed = {}
    for address in written:
        value = solution[f"'[{path.name}]{address.split('!')[0]}'!{address.split('!')[1]}"].value[0, 0]
        computed[address] = "" if value is schedula.EMPTY else value.item() if hasattr(value, "item") else value
    assert {a: (written[a], computed[a]) for a in written if not same(written[a], computed[a])} == {}


@pytest.mark.client
def test_libreoffice_recalculating_a_blank_workbook_shows_the_values_it_carries(real_content, tmp_path):
    """calc_fill.py recalculates everything (`calculateAll`) before reading: nothing comes from the cache."""
    jobs, expected = [], {}
    for form_id in FORM_IDS:
        form = real_content.form(form_id)
        for lang in ("en", "ar"):
            blank = tmp_path / f"{form_id}-{lang}.xlsx"
            xlsx.render(real_content, form, lang, blank)
            book = load_workbook(blank, data_only=True)
            carried = {}
            for name in live_names(form):
                ((sheet, ref),) = book.defined_names[name].destinations
                value = book[sheet][ref.replace("$", "")].value
                carried[name] = None if value in (None, "") else value
            expected[str(tmp_path / f"out-{form_id}-{lang}.xlsx")] = carried
            jobs.append(fill_job(real_content, form, lang, blank, tmp_path / f"out-{form_id}-{lang}.xlsx", {}))
    require_client("soffice")
    live = recalculate(jobs, tmp_path)
    assert {out: differences(carried, live[out]) for out, carried in expected.items() if differences(carried, live[out])} == {}
