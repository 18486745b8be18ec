"""Import checks that do not depend on a format: recognising files, validating answers, duplicates."""

from __future__ import annotations

import zipfile

import pytest

from aitk_forms.errors import UnreadableFile
from aitk_forms.importer import discover, mark_duplicates
from aitk_forms.limits import MAX_RATIO
from aitk_forms.outcomes import FileResult, ImportResult
from aitk_forms.sniff import sniff
from aitk_forms.validate import check_answers


def write_zip(path, parts: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "name,data,complaint",
    [
        ("empty.xlsx", b"", "empty"),
        ("noise.docx", b"\x00\x01garbage" * 50, "not a form made by aitk-forms"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "save it as .xlsx"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "save it as .docx"),
        ("cut.xlsx", b"PK\x03\x04\x14\x00\x00\x00truncated", "damaged"),
    ],
)
def test_unusable_files_are_recognised_with_a_reason(tmp_path, name, data, complaint):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=complaint):
        sniff(path)


def test_formats_are_recognised_by_content_not_by_extension(tmp_path):
    workbook = write_zip(tmp_path / "renamed.pdf", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    document = write_zip(tmp_path / "renamed.xlsx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})
    pdf = tmp_path / "renamed.docx"
    pdf.write_bytes(b"%PDF-1.7\n%...")
    assert [sniff(p).name for p in (workbook, document, pdf)] == ["xlsx", "docx", "pdf"]


@pytest.mark.parametrize(
    "parts,complaint",
    [
        ({"[Content_Types].xml": b"application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xl/workbook.xml": b"<w/>"}, "macros"),
        ({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}, r"OpenDocument spreadsheet \(.ods\)"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text"}, r"OpenDocument document \(.odt\)"),
        ({"readme.txt": b"hello"}, "not an Excel or Word file"),
        ({"xl/workbook.xml": b"<w/>", "xl/bomb.xml": b"\x00" * (MAX_RATIO * 2 * 1024 * 1024 // 100)}, "zip bomb"),
    ],
)
def test_risky_or_foreign_archives_are_refused_before_they_are_opened(tmp_path, parts, complaint):
    with pytest.raises(UnreadableFile, match=complaint):
        sniff(write_zip(tmp_path / "file.xlsx", parts))


def test_discover_walks_folders_once_per_file_and_skips_hidden_ones(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.xlsx").write_bytes(b"1")
    (tmp_path / "a" / ".~lock.one.xlsx#").write_bytes(b"lock")
    (tmp_path / "two.pdf").write_bytes(b"2")
    found = discover([tmp_path, tmp_path / "two.pdf"])
    assert [p.name for p in found] == ["one.xlsx", "two.pdf"]


def test_answers_are_checked_against_the_form(small_content):
    form = small_content.form("risk")
    answers = {
        "use_case_name": "Plates",
        "data_sources": ["cctv", "drones"],
        "uses_personal_data": "perhaps",
        "privacy_likelihood": "4",
        "legitimacy_likelihood": "9",
        "invented": "x",
    }
    clean, problems = check_answers(form, answers)
    # an answer to a question that does not apply is kept (nothing lost) but reported, and not scored
    assert clean == {"use_case_name": "Plates", "data_sources": ["cctv"], "privacy_likelihood": "4"}
    by_question: dict[str, str] = {}
    for p in problems:
        by_question[p.question] = by_question.get(p.question, "") + p.message + "|"
    assert "drones" in by_question["data_sources"]
    assert by_question["uses_personal_data"] == "'perhaps' is not one of the choices|"
    assert by_question["legitimacy_likelihood"] == "'9' is not one of the choices|required question not answered|"
    assert "not a question of this form" in by_question["invented"]
    assert by_question["legitimacy_severity"] == "required question not answered|"
    assert "does not apply" in by_question["privacy_likelihood"]


@pytest.mark.parametrize(
    "question,value,kept,complaint",
    [
        ("assessment_date", "2026-02-30", None, "not a date"),
        ("assessment_date", "2026-02-03", "2026-02-03", None),
        ("staff_count", "12", 12, None),
        ("staff_count", "-3", None, "outside the allowed range"),
        ("staff_count", "nan", None, "not a number"),
        ("agency_name", '=HYPERLINK("http://x")', '=HYPERLINK("http://x")', None),
    ],
)
def test_dates_numbers_and_text_are_validated(small_content, question, value, kept, complaint):
    clean, problems = check_answers(small_content.form("readiness"), {"agency_name": "A", question: value})
    assert clean.get(question) == kept
    messages = [p.message for p in problems if p.question == question]
    assert (complaint is None and not messages) or (complaint and complaint in messages[0])


def accepted(path, sha, answers, unit="Unit 7", round_label="2026"):
    return FileResult(path=path, sha256=sha, status="accepted", form="risk", answers=answers, unit=unit, round=round_label)


def test_the_same_file_twice_is_a_duplicate_of_the_first():
    files = [accepted("a.xlsx", "h1", {"q": 1}), accepted("copy of a.xlsx", "h1", {"q": 1})]
    mark_duplicates(files)
    assert [f.status for f in files] == ["accepted", "duplicate"]
    assert "same file as a.xlsx" in files[1].reason


def test_two_returns_for_one_unit_and_round_keep_the_more_complete():
    files = [
        accepted("first.docx", "h1", {"q": 1}),
        accepted("second.pdf", "h2", {"q": 1, "r": 2}),
        accepted("third.pdf", "h3", {}),
    ]
    mark_duplicates(files)
    assert [f.status for f in files] == ["duplicate", "accepted", "duplicate"]
    assert "second.pdf" in files[0].reason and "second.pdf" in files[2].reason


def test_the_kept_return_does_not_depend_on_the_order_files_arrive_in():
    def run(order):
        files = [accepted("a.xlsx", "h2", {"q": 1}), accepted("b.xlsx", "h1", {"q": 2}), accepted("c.xlsx", "h3", {"q": 3})]
        files = [files[i] for i in order]
        mark_duplicates(files)
        return next(f.path for f in files if f.status == "accepted")

    assert {run(order) for order in ((0, 1, 2), (2, 1, 0), (1, 0, 2), (2, 0, 1))} == {"b.xlsx"}  # equal answers: lowest hash


def test_returns_of_other_rounds_or_units_are_not_duplicates():
    files = [
        accepted("a", "h1", {"q": 1}),
        accepted("b", "h2", {"q": 1}, round_label="2027"),
        accepted("c", "h3", {}, unit="Unit 8"),
    ]
    mark_duplicates(files)
    assert [f.status for f in files] == ["accepted"] * 3


def test_summary_counts_every_status():
    files = [accepted("a", "1", {}), FileResult("b", "2", status="rejected", reason="damaged")]
    result = ImportResult(files)
    assert result.summary() == {
        "files": 2, "accepted": 1, "accepted_with_warnings": 0, "duplicate": 0, "known": 0, "ignored": 0, "rejected": 1,
    }  # fmt: skip
    assert result.summary_line() == "2 files: 1 accepted, 0 with warnings, 0 duplicates, 1 rejected"


def test_dont_know_gives_a_required_question_its_answer_though_it_is_not_scored(small_content):
    form = small_content.form("readiness")
    answers = {"agency_name": "Unit 7", "strategy": "dont_know", "owner": "2"}
    clean, problems = check_answers(form, answers)
    assert clean == answers and problems == []
