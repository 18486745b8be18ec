"""Excel's own limits, which no schema checks: each planted violation is reported, and every form
workbook and the consolidated workbook are within them."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from aitk_forms.reports.workbook import sheet_title
from aitk_forms.xlsx_limits import (
    check_workbook,
    defined_name_problems,
    excel_length,
    newer_functions,
    reads_as_cell_reference,
    sheet_name_problems,
)
from conftest import LANGUAGES
from office_outputs import LONG_ANSWERS, build_forms, build_reports
from packages import rewrite_part

S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
QUESTIONS_SHEET = "xl/worksheets/sheet2.xml"  # the form's questions, with data validations and formulas


def s(name: str) -> str:
    return f"{{{S}}}{name}"


# ---------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    ("names", "complaint"),
    [
        (["A" * 32], "has 32 characters"),
        (["\U0001f600" * 16], "has 32 characters"),  # Excel counts an emoji twice
        (["Q1/Q2"], "contains /"),
        (["Back\\slash"], "contains \\"),
        (["[draft]"], "contains [ ]"),
        (["a:b", "x"], "contains :"),
        (["what?"], "contains ?"),
        (["star*"], "contains *"),
        ([""], "is blank"),
        (["   "], "is blank"),
        (["'quoted"], "apostrophe"),
        (["quoted'"], "apostrophe"),
        (["History"], "reserved"),
        (["Risk", "RISK"], "only in case"),
        (["Évaluation", "éVALUATION"], "only in case"),
    ],
)
def test_sheet_names_that_excel_refuses_are_reported(names, complaint):
    findings = sheet_name_problems(names)
    assert len(findings) == 1 and complaint in findings[0]


def test_sheet_names_that_excel_accepts_pass():
    assert sheet_name_problems(["A" * 31, "نتائج التقييم", "风险评估", "It's fine", "History of use", "Risk (2)"]) == []


@pytest.mark.parametrize("name", ["ab12", "A1", "xfd1048576", "IV65536", "R1C1", "r2", "C", "R", "RC", "c7", "R10C"])
def test_defined_names_that_read_as_cell_references_are_reported(name):
    assert reads_as_cell_reference(name)
    assert [f for f in defined_name_problems(name) if "reads as a cell reference" in f]


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("1st", "must start with"),
        (".x", "must start with"),
        ("has space", "' '"),
        ("a-b", "'-'"),
        ("q:1", "':'"),
        ("x" * 256, "has 256 characters"),
        ("", "empty"),
    ],
)
def test_defined_names_with_characters_excel_refuses_are_reported(name, complaint):
    assert any(complaint in finding for finding in defined_name_problems(name))


@pytest.mark.parametrize(
    "name", ["ans_risk_level", "opts_q1", "score_overall", "_xlnm.Print_Area", "Résultat", "\\root", "RCX", "AB12C"]
)
def test_defined_names_that_excel_accepts_pass(name):
    assert defined_name_problems(name) == []


@pytest.mark.parametrize(
    ("formula", "found"),
    [
        ("IFS(A1>1,1,TRUE,0)", ["IFS"]),
        ("SUM(A1)+switch(A2,1,2)", ["switch"]),
        ("_xlfn.XLOOKUP(A1,B:B,C:C)", ["_xlfn.XLOOKUP"]),
        ('CONCAT(A1,"-")&TEXTJOIN(",",TRUE,A1:A3)', ["CONCAT", "TEXTJOIN"]),
        ("MAXIFS(A:A,B:B,1)+MINIFS(A:A,B:B,1)", ["MAXIFS", "MINIFS"]),
        ("SORT(UNIQUE(FILTER(A1:A9,B1:B9)))", ["FILTER", "SORT", "UNIQUE"]),
        ("SUM(SEQUENCE(3))", ["SEQUENCE"]),
        ("LET(x,1,x+1)", ["LET"]),
        ("LAMBDA(x,x*2)(3)", ["LAMBDA"]),
        ("_xlfn.SINGLE(A1:A3)", ["_xlfn.SINGLE"]),
        ("IFNA(A1,0)", ["IFNA"]),
    ],
)
def test_functions_newer_than_excel_2010_are_reported(formula, found):
    assert newer_functions(formula) == found


@pytest.mark.parametrize(
    "formula",
    [
        'IF(A1="IFS(x)",1,0)',  # only text
        "'SORT(data)'!A1+1",  # a sheet name
        "SUMPRODUCT((A1:A3=1)*B1:B3)",
        "IFERROR(COUNTIFS(A:A,1),0)",
        "AGGREGATE(9,6,A1:A9)",
        "CONCATENATE(A1,B1)",
        "opts_sorted_list",
    ],
)
def test_functions_excel_2010_has_pass(formula):
    assert newer_functions(formula) == []


def test_lengths_are_counted_as_excel_counts_them():
    assert excel_length("abc") == 3 and excel_length("مرحبا") == 5 and excel_length("\U0001f600") == 2


# ---------------------------------------------------------------- planted in a real workbook


@pytest.fixture(scope="module")
def risk_workbook(real_content, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("limits")
    return next(p for p in build_forms(real_content, "en", folder, ("xlsx",)) if p.stem == "risk")


def first_validation(root):
    """The first validation with a formula (a text answer's validation carries only its input message)."""
    return next(v for v in root.iter(s("dataValidation")) if v.find(s("formula1")) is not None)


def long_list(root):
    first_validation(root).find(s("formula1")).text = '"' + ",".join(f"choice {n}" for n in range(40)) + '"'


def long_prompt_title(root):
    first_validation(root).set("promptTitle", "A title longer than thirty-two characters")


def long_prompt(root):
    first_validation(root).set("prompt", "Guidance. " * 30)


def long_error(root):
    first_validation(root).set("error", "Please choose one of the answers offered in the list. " * 5)


def long_cell_text(root):
    cell = next(c for c in root.iter(s("c")) if c.get("t") == "inlineStr")
    cell.find(s("is")).find(s("t")).text = "x" * 32_768


def newer_function(root):
    next(root.iter(s("f"))).text = "IFS(D13=1,1,TRUE,0)"


def bad_sheet_name(root):
    next(root.iter(s("sheet"))).set("name", "Q1/Q2")


def name_like_a_cell(root):
    next(root.iter(s("definedName"))).set("name", "ab12")


PLANTED = [
    (QUESTIONS_SHEET, long_list, "data-validation formula has 391 characters; Excel allows 255"),
    (QUESTIONS_SHEET, long_prompt_title, "input-message title has 41 characters; Excel allows 32"),
    (QUESTIONS_SHEET, long_prompt, "input-message text has 300 characters; Excel allows 255"),
    (QUESTIONS_SHEET, long_error, "error-alert text has 270 characters; Excel allows 225"),
    (QUESTIONS_SHEET, long_cell_text, "the text has 32768 characters; Excel allows 32767"),
    (QUESTIONS_SHEET, newer_function, "uses IFS, which Excel 2010 does not have"),
    ("xl/workbook.xml", bad_sheet_name, "sheet name 'Q1/Q2' contains /"),
    ("xl/workbook.xml", name_like_a_cell, "defined name 'ab12' reads as a cell reference"),
]


@pytest.mark.parametrize(("part", "change", "complaint"), PLANTED, ids=[change.__name__ for _, change, _ in PLANTED])
def test_each_planted_violation_is_reported(risk_workbook, tmp_path, part, change, complaint):
    assert check_workbook(risk_workbook) == []
    findings = check_workbook(rewrite_part(risk_workbook, tmp_path / "planted.xlsx", part, change))
    assert len(findings) == 1 and complaint in findings[0], findings


# ---------------------------------------------------------------- every generated workbook


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_workbook_is_within_excels_limits(real_content, small_content, tmp_path, lang):
    paths = build_forms(real_content, lang, tmp_path / "bundled", ("xlsx",))
    paths += build_forms(small_content, lang, tmp_path / "small", ("xlsx",))
    assert {p.relative_to(tmp_path).as_posix(): check_workbook(p) for p in paths} == {
        p.relative_to(tmp_path).as_posix(): [] for p in paths
    }


@pytest.fixture(scope="module")
def consolidated(real_content, tmp_path_factory) -> Path:
    return build_reports(real_content, tmp_path_factory.mktemp("reports"))[0]


def test_the_consolidated_workbook_is_within_excels_limits(consolidated):
    assert check_workbook(consolidated) == []


def test_an_answer_longer_than_a_cell_keeps_its_first_32000_characters_and_says_it_was_cut(real_content, consolidated):
    form = real_content.forms[0]
    sheet = openpyxl.load_workbook(consolidated)[sheet_title("Answers", form.id)]
    long_cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and len(c.value) > 10_000]
    assert len(long_cells) == len(LONG_ANSWERS)
    for answer, cell in zip(LONG_ANSWERS, long_cells, strict=True):
        kept, _, note = cell.partition(" … [cut: ")
        assert excel_length(kept) == 32_000 and answer.startswith(kept)
        assert note == f"{len(answer)} characters in all]"
