"""The consolidated reports: consolidated.xlsx, report.docx and report.pdf over a built import."""

from __future__ import annotations

import subprocess
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pymupdf
import pytest
from docx import Document
from docx.oxml.ns import qn

from aitk_forms.outcomes import FileResult, ImportResult
from aitk_forms.reports import write_reports
from aitk_forms.reports.charts import charts_for, to_png, to_svg
from aitk_forms.reports.narrative import write_docx, write_pdf
from aitk_forms.reports.summary import summarise
from aitk_forms.reports.workbook import sheet_title, write_workbook
from aitk_forms.sample import sample_answers
from aitk_forms.scoring import score_form
from aitk_forms.validate import check_answers
from conftest import FORM_IDS, require_client

LANGS = ("en", "fr", "ar", "zh", "es", "ru")
ARABIC_AGENCY = "شرطة دبي الإقليمية"
CHINESE_AGENCY = "北京市公安局"
FORMULAS = ("=1+1", "@SUM(A1)", "+1", "-2")
NARRATIVE = {"report.docx": write_docx, "report.pdf": write_pdf}


def response(form, seed: int, lang: str, extra: dict | None = None) -> FileResult:
    """A returned file as the importer records it: sample answers, checked and scored with the form's rules."""
    answers, problems = check_answers(form, {**sample_answers(form, seed), **(extra or {})})
    card = score_form(form, answers)
    return FileResult(
        path=f"returned/{form.id}-{seed}.xlsx",
        sha256=f"{seed:064x}",
        status="accepted_with_warnings" if problems else "accepted",
        problems=problems,
        format="xlsx",
        form=form.id,
        version=form.version,
        lang=lang,
        answers=answers,
        scores=card.scores,
        levels={r.key: {"id": r.level.id, "label": r.level.label.get(lang)} for r in card.results if r.level},
    )


def first_text_question(form) -> str:
    return next(q.id for q in form.questions() if q.kind == "text")


def build_import(content, per_form: int = 6) -> ImportResult:
    """Accepted returns of every form in six languages, with formula-like, Arabic and Chinese text,
    plus a rejected file and a duplicate that only the log may show."""
    files = []
    for form in content.forms:
        text_q = first_text_question(form)
        for seed in range(per_form):
            extra = {0: {text_q: ARABIC_AGENCY + "\x1b"}, 4: {text_q: CHINESE_AGENCY}}.get(seed, {})
            if seed == 2:
                extra = {text_q: FORMULAS[0] + "\x07"}  # a control character that XML cannot hold
            if seed == 3:
                extra = {text_q: FORMULAS[1]}
            files.append(response(form, seed, LANGS[seed % len(LANGS)], extra))
    files.append(
        FileResult("returned/broken.pdf", "f" * 64, "rejected", "the file could not be read; it may be damaged", format="pdf")
    )
    files.append(
        FileResult(
            "returned/again.xlsx", "0" * 64, "duplicate", "the same file as returned/risk-0.xlsx", format="xlsx", form="risk"
        )
    )
    return ImportResult(files)


@pytest.fixture(scope="module")
def small_import(small_content):
    return build_import(small_content)


@pytest.fixture(scope="module")
def small_reports(small_content, small_import, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    write_reports(small_content, small_import, out)
    return out


# consolidated.xlsx


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_sheet_has_a_row_per_accepted_response_and_a_column_per_question(small_content, small_reports, form_id):
    form = small_content.form(form_id)
    sheet = openpyxl.load_workbook(small_reports / "consolidated.xlsx")[sheet_title("Answers", form_id)]
    ids = [q.id for q in form.questions()]
    assert [c.value for c in sheet[1]] == ["file", "language"] + ids
    assert [c.value for c in sheet[2]][2:] == [q.label.get("en") for q in form.questions()]
    files = [sheet.cell(row, 1).value for row in range(3, sheet.max_row + 1)]
    assert files == [f"returned/{form_id}-{seed}.xlsx" for seed in range(6)]
    assert "returned/again.xlsx" not in files and "returned/broken.pdf" not in files


def test_multi_choice_answers_are_choice_ids_joined_with_semicolons(small_content, small_import, small_reports):
    sheet = openpyxl.load_workbook(small_reports / "consolidated.xlsx")[sheet_title("Answers", "risk")]
    column = [c.value for c in sheet[1]].index("data_sources") + 1
    expected = [
        "; ".join(f.answers["data_sources"]) if "data_sources" in f.answers else None
        for f in small_import.files
        if f.form == "risk" and f.status.startswith("accepted")
    ]
    assert [sheet.cell(row, column).value for row in range(3, sheet.max_row + 1)] == expected
    assert any(value and ";" in value for value in expected)


def test_text_that_looks_like_a_formula_is_stored_as_plain_text(small_content, small_reports):
    book = openpyxl.load_workbook(small_reports / "consolidated.xlsx")
    sheet = book[sheet_title("Answers", "readiness")]
    column = [c.value for c in sheet[1]].index(first_text_question(small_content.form("readiness"))) + 1
    cells = [sheet.cell(row, column) for row in range(3, sheet.max_row + 1)]
    assert [c.value for c in cells[2:4]] == ["=1+1", "@SUM(A1)"]  # the control character is stripped
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(small_reports / "consolidated.xlsx") as package:
        assert not any(b"<f>" in package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("text", FORMULAS + ("plain\x00text\x1b",))
def test_any_respondent_text_reloads_exactly_as_written_without_control_characters(small_content, tmp_path, text):
    form = small_content.form("risk")
    result = ImportResult([response(form, 1, "en", {first_text_question(form): text})])
    write_workbook(small_content, result, tmp_path / "c.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx")[sheet_title("Answers", "risk")]
    column = [c.value for c in sheet[1]].index(first_text_question(form)) + 1
    assert sheet.cell(3, column).value == text.replace("\x00", "").replace("\x1b", "")
    assert sheet.cell(3, column).data_type == "s"


def test_scores_sheet_holds_every_score_with_its_english_level(small_content, small_import, small_reports):
    sheet = openpyxl.load_workbook(small_reports / "consolidated.xlsx")["Scores"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    expected = sum(len(f.scores) for f in small_import.files if f.status.startswith("accepted"))
    assert len(rows) == expected
    arabic_risk = next(r for r in rows if r[0] == "returned/risk-2.xlsx" and r[4] == "overall")
    source = next(f for f in small_import.files if f.path == "returned/risk-2.xlsx")
    assert arabic_risk[6] == source.scores["overall"]
    assert arabic_risk[7] in {"Low", "Medium", "High", "Extremely high"}


def test_summary_sheets_have_native_charts_and_the_risk_heat_map(small_content, small_reports):
    book = openpyxl.load_workbook(small_reports / "consolidated.xlsx")
    with zipfile.ZipFile(small_reports / "consolidated.xlsx") as package:
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3  # readiness means, risk levels by principle, workbook means
    assert sum("<barChart>" in c and '<grouping val="stacked"/>' in c for c in charts) == 1
    risk = book[sheet_title("Summary", "risk")]
    labels = [risk.cell(row, 1).value for row in range(1, risk.max_row + 1)]
    assert "Likelihood × severity: number of principle assessments" in labels
    first = labels.index("Rare")  # the least likely row comes last, as risk matrices are read
    assert labels[first - 4 : first + 1] == ["Almost certain", "Likely", "Possible", "Unlikely", "Rare"]


def test_summary_sheet_gives_mean_spread_and_level_counts(small_content, small_import, small_reports):
    sheet = openpyxl.load_workbook(small_reports / "consolidated.xlsx")[sheet_title("Summary", "readiness")]
    header = [c.value for c in sheet[4]]
    assert header[:6] == ["Result", "Responses", "Mean", "Minimum", "Maximum", "Spread (SD)"]
    assert header[6:] == ["Beginning", "Developing", "Established", "Advanced", "Provisional"]
    overall = next([c.value for c in row] for row in sheet.iter_rows(min_row=5) if row[0].value == "Overall readiness")
    readiness = [f for f in small_import.files if f.form == "readiness" and f.status in ("accepted", "accepted_with_warnings")]
    scores = [f.scores["overall"] for f in readiness if "overall" in f.scores]
    assert overall[1] == len(scores) and overall[2] == pytest.approx(sum(scores) / len(scores), abs=0.005)
    assert sum(overall[6:10]) == len(scores)
    assert overall[10] == sum("overall" in f.provisional for f in readiness)


def test_a_provisional_result_has_no_score_or_level_in_the_reports_and_says_what_is_missing(small_content, tmp_path):
    form = small_content.form("risk")
    partial = FileResult(
        "returned/partial.xlsx", "p" * 64, "accepted_with_warnings", form="risk", version=form.version, lang="en"
    )
    partial.answers = {"use_case_name": "Triage", "uses_personal_data": "yes", "privacy_likelihood": "2", "privacy_severity": "2"}
    card = score_form(form, partial.answers)
    partial.scores, partial.provisional = card.scores, card.provisional
    partial.levels = {r.key: {"id": r.level.id, "label": r.level.label.get("en")} for r in card.results if r.final and r.level}
    assert "overall" in partial.provisional and "overall" not in partial.scores
    write_reports(small_content, ImportResult([partial]), tmp_path)
    rows = [
        [c.value for c in row] for row in openpyxl.load_workbook(tmp_path / "consolidated.xlsx")["Scores"].iter_rows(min_row=2)
    ]
    overall = next(r for r in rows if r[4] == "overall")
    assert overall[6] is None and overall[7] in (None, "") and overall[8] == "provisional: 1 of 2 inputs known"
    privacy = next(r for r in rows if r[4] == "privacy")
    assert (privacy[6], privacy[7], privacy[8]) == (4, "Low", None)


def test_import_log_sheet_lists_every_file_including_duplicates_and_rejections(small_reports, small_import):
    sheet = openpyxl.load_workbook(small_reports / "consolidated.xlsx")["Import log"]
    statuses = {sheet.cell(row, 1).value: sheet.cell(row, 3).value for row in range(2, sheet.max_row + 1)}
    assert len(statuses) == len(small_import.files)
    assert statuses["returned/broken.pdf"] == "rejected" and statuses["returned/again.xlsx"] == "duplicate"


# report.docx and report.pdf


def pdf_text(path: Path) -> str:
    with pymupdf.open(path) as document:
        return "\n".join(page.get_text() for page in document)


def docx_text(path: Path) -> str:
    body = Document(str(path)).element.body
    return "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p")))


@pytest.mark.parametrize("name", NARRATIVE)
def test_narrative_names_every_high_risk_use_case_with_its_principles_and_the_full_toolkit(
    small_content, small_import, small_reports, name
):
    text = " ".join((pdf_text if name.endswith("pdf") else docx_text)(small_reports / name).split())
    high = [
        f
        for f in small_import.files
        if f.levels.get("overall", {}).get("id") in ("high", "extremely_high") and f.status.startswith("accepted")
    ]
    assert high, "the sample has no high-risk use case: the test would prove nothing"
    assert "Use cases at high or extremely high risk" in text
    for case in high:
        if case.answers["use_case_name"].isascii():  # Arabic in PDF text comes back in visual order
            assert case.answers["use_case_name"] in text
        for key in ("privacy", "legitimacy"):
            if case.levels.get(key, {}).get("id") in ("high", "extremely_high"):
                assert f"{key.capitalize()} {case.scores[key]}" in text
    applies = sum(f.scores.get("full_toolkit") == 1 for f in small_import.files)
    assert f"The full toolkit applies to {applies} of" in text


@pytest.mark.parametrize("name", NARRATIVE)
def test_narrative_gives_the_weakest_dimensions_with_their_recommendations_and_an_import_log_annex(small_reports, name):
    text = " ".join((pdf_text if name.endswith("pdf") else docx_text)(small_reports / name).split())
    assert "The weakest dimensions" in text
    assert "Name an owner." in text and "Write a data policy." in text  # the sections' recommendations
    annex = text[text.index("Annex: import log") :]
    assert "returned/broken.pdf" in annex and "rejected" in annex
    assert "returned/again.xlsx" in annex and "duplicate" in annex


def test_docx_report_sets_fonts_for_every_script_and_keeps_respondents_text(small_reports):
    document = Document(str(small_reports / "report.docx"))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == "Calibri"  # fonts Office has: the report is read in Word
    assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei" and fonts.get(qn("w:cs")) == "Arial"
    text = docx_text(small_reports / "report.docx")
    assert ARABIC_AGENCY in text and CHINESE_AGENCY in text


def test_docx_report_charts_are_pictures_with_alt_text(small_reports):
    document = Document(str(small_reports / "report.docx"))
    pictures = document.element.body.findall(".//" + qn("wp:docPr"))
    assert len(pictures) == 4  # readiness means, risk heat map and levels, workbook means
    assert all(len(p.get("descr", "")) > 40 for p in pictures)
    assert any(p.get("descr").startswith("Heat map") for p in pictures)


def test_pdf_report_embeds_arabic_and_chinese_fonts_and_gives_its_charts_alt_text(small_reports):
    with pymupdf.open(small_reports / "report.pdf") as document:
        fonts = {font[3].split("+")[-1] for page in document for font in page.get_fonts()}
        text = "\n".join(page.get_text() for page in document)
        tagged = document.xref_get_key(document.pdf_catalog(), "StructTreeRoot")[0] == "xref"
        alts = [
            document.xref_get_key(x, "Alt")[1]
            for x in range(1, document.xref_length())
            if document.xref_get_key(x, "Alt")[0] != "null"
        ]
    assert {"Noto-Naskh-Arabic", "Noto-Sans-CJK-SC"} <= fonts and all(f.startswith("Noto") for f in fonts)
    assert CHINESE_AGENCY in text
    assert tagged  # a tagged PDF: its figures carry their alt text in the structure tree
    assert len(alts) == 4 and all(len(a) > 40 for a in alts)


def test_charts_describe_their_data_in_their_alt_text(small_content, small_import):
    summary = summarise(small_content, small_import)
    readiness = next(f for f in summary.forms if f.form.id == "readiness")
    (chart,) = charts_for(readiness)
    for part in readiness.parts:
        assert part.label in chart.alt
    assert to_svg(chart).count("<rect") == len(readiness.parts)
    assert to_png(chart)[:8] == b"\x89PNG\r\n\x1a\n"


def test_reports_are_byte_identical_when_written_twice(small_content, small_import, small_reports, tmp_path):
    write_reports(small_content, small_import, tmp_path)
    for name in ("consolidated.xlsx", "report.docx", "report.pdf", "import-log.csv"):
        assert (tmp_path / name).read_bytes() == (small_reports / name).read_bytes(), name


def test_reports_are_written_when_no_file_was_accepted(small_content, tmp_path):
    rejected = ImportResult([FileResult("returned/broken.pdf", "f" * 64, "rejected", "damaged", format="pdf")])
    written = write_reports(small_content, rejected, tmp_path)
    assert [p.name for p in written] == ["import-log.csv", "consolidated.xlsx", "report.docx", "report.pdf"]
    assert openpyxl.load_workbook(tmp_path / "consolidated.xlsx").sheetnames == ["Scores", "Import log"]
    assert "No file was accepted" in pdf_text(tmp_path / "report.pdf")


def test_heat_map_counts_every_scored_principle_of_every_use_case(small_content, small_import):
    risk = next(f for f in summarise(small_content, small_import).forms if f.form.id == "risk")
    scored = sum(key in f.scores for f in risk.responses for key in ("privacy", "legitimacy"))
    assert sum(map(sum, risk.heat_map.counts)) == scored > 0
    assert risk.heat_map.level_ids[-1][-1] == "extremely_high" and risk.heat_map.level_ids[0][0] == "low"


def test_responses_without_any_score_still_give_every_report(small_content, tmp_path):
    form = small_content.form("readiness")
    empty = FileResult(
        "returned/empty.xlsx", "e" * 64, "accepted_with_warnings", form="readiness", version=form.version, lang="en"
    )
    written = write_reports(small_content, ImportResult([empty]), tmp_path)
    assert len(written) == 4
    text = " ".join(pdf_text(tmp_path / "report.pdf").split())
    assert "1 accepted response (en: 1)" in text
    assert "Figure" not in text and "weakest" not in text  # no chart or ranking of scores that do not exist


def test_office_reports_carry_a_fixed_time_rather_than_the_time_of_writing(small_reports):
    for name in ("consolidated.xlsx", "report.docx"):
        with zipfile.ZipFile(small_reports / name) as package:
            core = package.read("docProps/core.xml").decode()
            assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in package.infolist())
        assert ">1980-01-01T00:00:00Z</dcterms:created>" in core and ">1980-01-01T00:00:00Z</dcterms:modified>" in core


def test_reports_over_the_real_content(real_content, tmp_path):
    result = build_import(real_content, per_form=8)
    write_reports(real_content, result, tmp_path)
    summary = summarise(real_content, result)
    readiness = next(f for f in summary.forms if f.form.id == "readiness")
    assert len(readiness.weakest) == 3 and all(w.recommendation for w in readiness.weakest)
    book = openpyxl.load_workbook(tmp_path / "consolidated.xlsx")
    assert book.sheetnames[:3] == [sheet_title("Summary", f) for f in FORM_IDS]
    text = " ".join(pdf_text(tmp_path / "report.pdf").split())
    for part in readiness.weakest:
        assert " ".join(part.recommendation.split())[:60] in text


# What a spreadsheet program shows


@pytest.mark.client
def test_libreoffice_shows_formula_like_text_as_text_and_renders_the_reports(small_reports, tmp_path):
    soffice = require_client("soffice")
    profile = tmp_path / f"profile-{uuid.uuid4().hex}"
    files = [str(small_reports / n) for n in ("consolidated.xlsx", "report.docx")]
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = pdf_text(tmp_path / "consolidated.pdf")
    assert "=1+1" in sheets and "@SUM(A1)" in sheets
    document = " ".join(pdf_text(tmp_path / "report.pdf").split())
    assert "Use cases at high or extremely high risk" in document and CHINESE_AGENCY in document


def test_the_annex_lists_at_most_two_hundred_files_and_points_to_the_logs_for_the_rest(small_content, tmp_path):
    files = [FileResult(f"returned/broken-{n:03d}.pdf", f"{n:064x}", "rejected", "damaged", format="pdf") for n in range(230)]
    result = ImportResult(files)
    write_reports(small_content, result, tmp_path)
    text = pdf_text(tmp_path / "report.pdf")
    assert "broken-199.pdf" in text and "broken-200.pdf" not in text
    assert "And 30 more files that need attention" in " ".join(text.split())
    with open(tmp_path / "import-log.csv", encoding="utf-8-sig") as log:
        assert sum(1 for _ in log) == 231  # every file, in the log
