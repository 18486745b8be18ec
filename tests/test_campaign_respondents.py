"""The respondents file of a campaign: CSV as Excel writes it in any locale and XLSX, every row checked before
anything is written, every problem reported at once with its row number."""

from __future__ import annotations

import codecs

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from aitk_forms.campaign.respondents import RespondentsError, read_respondents
from aitk_forms.cli import main
from conftest import LANGUAGES, SMALL

HEADER = ["unit", "name", "email", "lang", "cc", "use_case", "phone"]
FRENCH = ["Société Générale de Sécurité", "Hélène Lefèvre", "helene@securite.example", "fr", "", "Vidéoprotection", "01 23"]
RUSSIAN = ["Полиция Казани", "Анна Иванова", "a.ivanova@kazan.example", "ru", "", "Распознавание номеров", ""]
CHINESE = ["上海市公安局", "王芳", "wang.fang@shanghai.example", "zh", "", "人脸识别", ""]


def read(path):
    return read_respondents(path, LANGUAGES, set(LANGUAGES))


def csv_text(rows: list[list[str]], separator: str = ",") -> str:
    return "\r\n".join(separator.join(f'"{cell}"' if separator in cell else cell for cell in row) for row in rows) + "\r\n"


def people(respondents) -> list[tuple[int, str, str, str, str]]:
    return [(r.row, r.unit, r.name, r.lang, r.use_case) for r in respondents]


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["utf-8", "utf-8 with BOM"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_utf8_csv_with_or_without_a_byte_order_mark_and_either_separator_reads_the_same(tmp_path, bom, separator):
    path = tmp_path / "respondents.csv"
    path.write_bytes(bom + csv_text([HEADER, FRENCH, RUSSIAN, CHINESE], separator).encode("utf-8"))
    respondents, described = read(path)
    assert people(respondents) == [
        (2, *FRENCH[:2], "fr", FRENCH[5]),
        (3, *RUSSIAN[:2], "ru", RUSSIAN[5]),
        (4, *CHINESE[:2], "zh", CHINESE[5]),
    ]
    assert respondents[0].extra == (("phone", "01 23"),)
    assert f"'{separator}'-separated" in described and ("BOM" in described) == bool(bom)


def test_a_semicolon_separated_cp1252_csv_from_a_french_excel_keeps_its_accents(tmp_path):
    path = tmp_path / "respondents.csv"
    path.write_bytes(csv_text([HEADER, FRENCH], ";").encode("cp1252"))
    respondents, described = read(path)
    assert people(respondents) == [(2, "Société Générale de Sécurité", "Hélène Lefèvre", "fr", "Vidéoprotection")]
    assert described == "CSV, cp1252, ';'-separated"


@pytest.mark.parametrize(("row", "encoding"), [(RUSSIAN, "cp1251"), (CHINESE, "gb18030")])
def test_a_csv_in_a_russian_or_chinese_excel_code_page_is_read_in_its_script(tmp_path, row, encoding):
    path = tmp_path / "respondents.csv"
    path.write_bytes(
        csv_text([HEADER, row, [f"{row[0]} 2", row[1], "second@agency.example", row[3], "", "", ""]]).encode(encoding)
    )
    respondents, described = read(path)
    assert [(r.unit, r.name) for r in respondents] == [(row[0], row[1]), (f"{row[0]} 2", row[1])]
    assert encoding in described


def test_excel_unicode_text_is_utf16_and_tab_separated(tmp_path):
    path = tmp_path / "respondents.txt"
    path.write_bytes(csv_text([HEADER, RUSSIAN, CHINESE], "\t").encode("utf-16"))
    respondents, described = read(path)
    assert [r.name for r in respondents] == ["Анна Иванова", "王芳"]
    assert described == "CSV, utf-16, tab-separated"


def test_an_xlsx_file_is_read_with_the_row_numbers_excel_shows(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Unit", "Name", "E-mail", "Language", "Use case", "Notes"])
    sheet.append(FRENCH[:4] + [FRENCH[5], "first"])
    sheet.append([])  # a blank line left between two blocks
    sheet.append(CHINESE[:4] + [CHINESE[5], 42])
    path = tmp_path / "respondents.xlsx"
    book.save(path)
    respondents, described = read(path)
    assert people(respondents) == [(2, *FRENCH[:2], "fr", FRENCH[5]), (4, *CHINESE[:2], "zh", CHINESE[5])]
    assert respondents[1].extra == (("Notes", "42"),)
    assert described == "XLSX, sheet 'Sheet'"


def test_every_problem_of_every_row_is_reported_at_once_with_its_row_number(tmp_path):
    rows = [
        HEADER,
        ["Cyber Unit", "Jane Doe", "jane@agency.example", "en", "", "Face matching", ""],
        ["Cyber Unit", "Jane Doe", "jane.doe@", "FR-fr", "deputy@agency", "Licence plates", ""],
        ["", "", "", "", "", "", ""],
        ["CYBER  unit", "John Roe", "john@agency.example", "xx", "", "face MATCHING", ""],
        ["Border Unit", "", "border@agency.example", "ar", "", "", ""],
    ]
    path = tmp_path / "respondents.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    with pytest.raises(RespondentsError) as found:
        read(path)
    assert [(p.row, p.message) for p in found.value.problems] == [
        (3, "'jane.doe@' is not an e-mail address (write it as name@agency.example)"),
        (3, "cc: 'deputy@agency' is not an e-mail address: 'agency' is not a mail domain"),
        (3, f"unknown language 'FR-fr' (known: {', '.join(LANGUAGES)}): did you mean 'fr'?"),
        (5, f"unknown language 'xx' (known: {', '.join(LANGUAGES)})"),
        (5, "the same unit and use case as row 2: give each respondent one row"),
        (6, "no name"),
    ]
    assert found.value.lines()[0] == f"{path}:3: 'jane.doe@' is not an e-mail address (write it as name@agency.example)"


def test_a_language_the_content_has_but_not_completely_translated_is_refused(tmp_path):
    path = tmp_path / "respondents.csv"
    path.write_text(csv_text([HEADER, FRENCH]), encoding="utf-8")
    with pytest.raises(RespondentsError) as found:
        read_respondents(path, LANGUAGES, {"en"})
    assert [(p.row, p.message) for p in found.value.problems] == [
        (2, "language 'fr' is not completely translated (run `aitk-forms i18n status`)")
    ]


def test_missing_columns_are_named_with_the_header_found(tmp_path):
    path = tmp_path / "respondents.csv"
    path.write_text("unit;name;mail address\nCyber Unit;Jane;jane@agency.example\n", encoding="utf-8")
    with pytest.raises(RespondentsError) as found:
        read(path)
    assert [(p.row, p.message) for p in found.value.problems] == [
        (1, "missing column(s) email, lang (the header has: unit, name, mail address)")
    ]


def test_a_file_with_problems_stops_the_command_before_anything_is_written(tmp_path):
    path = tmp_path / "respondents.csv"
    path.write_text(csv_text([HEADER, FRENCH, ["Cyber Unit", "Jane", "not an address", "en", "", "", ""]]), encoding="utf-8")
    result = CliRunner().invoke(main, [
        "campaign", "send", "--content", str(SMALL), "--respondents", str(path), "--form", "readiness", "--round", "2026",
        "--from", "forms@agency.example", "--store", str(tmp_path / "store.db"), "--out", str(tmp_path / "outbox"),
    ])  # fmt: skip
    assert result.exit_code == 1
    assert f"{path}:3: 'not an address' is not an e-mail address" in result.output
    assert "1 problem(s)" in result.output and "nothing was written" in result.output
    assert not (tmp_path / "outbox").exists() and not (tmp_path / "store.db").exists()
