"""The Excel codec: the workbook a respondent gets, its live results, and reading it back.

The round trips fill every form in every language with LibreOffice Calc over UNO (a client that
is not ours), save, and read back; LibreOffice's recalculated results must equal scoring.py's.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest

from aitk_forms.errors import UnreadableFile
from aitk_forms.formats import xlsx
from aitk_forms.formats.xlsx.package import META_SHEET
from aitk_forms.model import Form, Question
from aitk_forms.returns import read_response
from aitk_forms.scoring import score_form
from aitk_forms.wording import colon
from conftest import FORM_IDS, LANGUAGES, require_client
from live_results import differences, expected_cells, fill_job, recalculate

ANSWER_SETS = ("full", "partial", "conditional")
ALLOWED_FUNCTIONS = {
    "IF",
    "AND",
    "OR",
    "SUM",
    "COUNT",
    "MAX",
    "PRODUCT",
    "ROUND",
    "SUMPRODUCT",
    "ISNUMBER",
    "LEN",
    "TRIM",
    "SUBSTITUTE",
    "CHOOSE",
    "FALSE",
}


# ---------------------------------------------------------------- answer sets built from the model


def _triggers(form: Form) -> dict[str, tuple[str, ...]]:
    """Question id -> the choice ids that show some later question."""
    found: dict[str, tuple[str, ...]] = {}
    for q in form.questions():
        if q.show_if:
            found[q.show_if.question] = found.get(q.show_if.question, ()) + q.show_if.values
    return found


def _plain_answer(q: Question, index: int, partial: bool = False):
    if q.kind == "multi_choice":
        return [c.id for c in q.choices[index % 2 :: 2]] or [q.choices[0].id]
    if q.has_choices:
        if partial and index % 6 == 3 and q.choice("dont_know"):
            return "dont_know"
        known = [c for c in q.choices if c.id != "dont_know"]
        return known[(index * 3 + 1) % len(known)].id
    if q.kind == "text":
        return f"Réponse {index} — 答案 — إجابة — Ответ"
    if q.kind == "long_text":
        return f"First line {index}\nSecond line: «citation», 第二行"
    if q.kind == "date":
        return f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
    low = q.minimum if q.minimum is not None else 0
    value = low + 7 * index + (3.5 if partial else 3)
    return value if q.maximum is None or value <= q.maximum else low


def answer_set(form: Form, name: str) -> dict:
    """A deterministic set of answers: full (every condition met), partial (with "Don't know"),
    or conditional (every condition failed, hidden questions answered all the same, a hidden question
    answered so as to open its own dependants)."""
    triggers, answers = _triggers(form), {}
    for index, q in enumerate(form.questions()):
        if q.id in triggers:
            values = triggers[q.id]
            # Every condition fails, except on questions hidden themselves: their answer would open a
            # later question, were it not that a question resting on a hidden one stays hidden.
            if name == "conditional" and q.show_if is None:
                values = tuple(c.id for c in q.choices if c.id not in triggers[q.id])[:1]
            chosen = values[-1] if name == "partial" else values[0]
            answers[q.id] = [chosen] if q.kind == "multi_choice" else chosen
        elif name != "partial" or index % 5 != 1:
            answers[q.id] = _plain_answer(q, index, partial=name == "partial")
    return answers


# ---------------------------------------------------------------- LibreOffice round trips, batched


@pytest.fixture(scope="module")
def calc_round_trips(small_content, tmp_path_factory):
    """Every form × language × answer set, filled and saved by one LibreOffice process."""
    folder = tmp_path_factory.mktemp("xlsx_calc")
    jobs, cases = [], {}
    for form_id in FORM_IDS:
        form = small_content.form(form_id)
        for lang in LANGUAGES:
            blank = folder / f"{form_id}-{lang}.xlsx"
            xlsx.render(small_content, form, lang, blank)
            for name in ANSWER_SETS:
                answers = answer_set(form, name)
                out = folder / f"{form_id}-{lang}-{name}-filled.xlsx"
                jobs.append(fill_job(small_content, form, lang, blank, out, answers))
                cases[(form_id, lang, name)] = (answers, out)
    live = recalculate(jobs, folder)
    return {key: (answers, out, live[str(out)]) for key, (answers, out) in cases.items()}


ROUND_TRIPS = [(f, lang, s) for f in FORM_IDS for lang in LANGUAGES for s in ANSWER_SETS]


@pytest.mark.client
@pytest.mark.parametrize("form_id,lang,answer_set_name", ROUND_TRIPS)
def test_answers_typed_in_libreoffice_calc_are_read_back_exactly(calc_round_trips, small_content, form_id, lang, answer_set_name):
    answers, out, _ = calc_round_trips[(form_id, lang, answer_set_name)]
    response = read_response(out, small_content)
    assert response.answers == answers
    assert response.problems == ()
    form = small_content.form(form_id)
    assert (response.identity.form, response.identity.lang, response.identity.fingerprint) == (form_id, lang, form.fingerprint)


@pytest.mark.client
@pytest.mark.parametrize("form_id,lang,answer_set_name", ROUND_TRIPS)
def test_live_results_recalculated_by_libreoffice_equal_scoring(calc_round_trips, small_content, form_id, lang, answer_set_name):
    """Score, level and status of every result: empty score and level while scoring.py calls the result
    provisional, with the same answered and needed counts in the status."""
    answers, _, live = calc_round_trips[(form_id, lang, answer_set_name)]
    expected = expected_cells(small_content, small_content.form(form_id), lang, answers)
    assert differences(expected, live) == {}


def test_answer_sets_cover_dont_know_hidden_questions_and_scored_results(small_content):
    """Guards the round trips above against testing nothing."""
    risk = small_content.form("risk")
    partial, conditional = answer_set(risk, "partial"), answer_set(risk, "conditional")
    assert "dont_know" in partial.values()
    assert conditional["uses_personal_data"] == "no" and "privacy_likelihood" in conditional
    assert score_form(risk, conditional).result("privacy").score is None
    for form_id in FORM_IDS:
        form = small_content.form(form_id)
        assert score_form(form, answer_set(form, "full")).result("overall").score is not None
    workbook = answer_set(small_content.form("workbook"), "conditional")
    assert workbook["planning_decision"] == "proceed" and workbook["planning_review"] == "yes"  # a hidden "yes"
    assert "planning_review_date" in workbook


@pytest.mark.client
def test_a_workbook_saved_by_libreoffice_reloads_in_openpyxl_with_names_and_hidden_identity(calc_round_trips):
    _, out, _ = calc_round_trips[("risk", "ar", "full")]
    wb = openpyxl.load_workbook(out)
    assert wb[META_SHEET].sheet_state in ("hidden", "veryHidden")
    assert "ans_privacy_likelihood" in wb.defined_names and "score_overall" in wb.defined_names
    assert all(wb[name].protection.sheet for name in wb.sheetnames)


# ---------------------------------------------------------------- the workbook a respondent gets


@pytest.fixture(scope="module")
def rendered(small_content, tmp_path_factory):
    """Every form × language, rendered once."""
    folder = tmp_path_factory.mktemp("xlsx_rendered")
    paths = {}
    for form_id in FORM_IDS:
        for lang in LANGUAGES:
            paths[(form_id, lang)] = folder / f"{form_id}-{lang}.xlsx"
            xlsx.render(small_content, small_content.form(form_id), lang, paths[(form_id, lang)])
    return paths


EVERY = [(f, lang) for f in FORM_IDS for lang in LANGUAGES]


@pytest.mark.parametrize("form_id,lang", EVERY)
def test_workbook_names_every_answer_cell_and_result_as_interfaces_md_states(rendered, small_content, form_id, lang):
    form = small_content.form(form_id)
    wb = openpyxl.load_workbook(rendered[(form_id, lang)])
    expected = {f"{prefix}_{r.key}" for r in form.results for prefix in ("score", "level", "status")}
    for q in form.questions():
        if q.kind == "multi_choice":
            expected |= {f"ans_{q.id}__{c.id}" for c in q.choices}
        else:
            expected.add(f"ans_{q.id}")
    assert expected <= set(wb.defined_names)
    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta == {"form": form_id, "version": form.version, "lang": lang, "fingerprint": form.fingerprint, "content": "aitk"}
    assert wb[META_SHEET].sheet_state == "hidden"


@pytest.mark.parametrize("form_id,lang", EVERY)
def test_first_sheet_gives_title_version_language_and_instructions(rendered, small_content, form_id, lang):
    form = small_content.form(form_id)
    first = openpyxl.load_workbook(rendered[(form_id, lang)]).worksheets[0]
    texts = {str(c.value) for row in first.iter_rows() for c in row if c.value is not None}
    assert form.title.get(lang) in texts and form.version in texts
    for key in ("how_to_fill_xlsx", "how_scored_scale", "return_instruction"):
        assert small_content.text(key, lang).strip() in texts
    assert any(f"({lang})" in t for t in texts)


@pytest.mark.parametrize("form_id,lang", EVERY)
def test_only_answer_cells_are_unlocked_and_every_sheet_is_protected(rendered, small_content, form_id, lang):
    wb = openpyxl.load_workbook(rendered[(form_id, lang)])
    answer_cells = set()
    for name in wb.defined_names:
        if name.startswith("ans_"):
            sheet, ref = next(iter(wb.defined_names[name].destinations))
            answer_cells.add((sheet, ref.replace("$", "")))
    unlocked = {
        (ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows() for c in row if not c.protection.locked
    }
    assert unlocked == answer_cells
    assert all(ws.protection.sheet for ws in wb.worksheets)
    assert wb.security.lockStructure


@pytest.mark.parametrize("form_id,lang", EVERY)
def test_choice_answers_are_drop_downs_backed_by_named_option_lists_and_refuse_other_entries(
    rendered, small_content, form_id, lang
):
    form = small_content.form(form_id)
    wb = openpyxl.load_workbook(rendered[(form_id, lang)])
    ws = wb[
        next(iter(wb.defined_names["ans_" + next(q.id for q in form.questions() if q.kind != "multi_choice")].destinations))[0]
    ]
    validations = ws.data_validations.dataValidation
    assert all(dv.showErrorMessage and dv.error for dv in validations)
    lists = [dv for dv in validations if dv.type == "list"]
    assert all(not dv.formula1.startswith('"') for dv in lists)  # never a literal list
    for q in form.questions():
        if q.has_choices and q.kind != "multi_choice":
            ((sheet, ref),) = wb.defined_names[f"opts_{q.id}"].destinations
            labels = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
            assert labels == [c.label.get(lang) for c in q.choices]
            assert any(dv.formula1 == f"opts_{q.id}" for dv in lists)


def test_arabic_sheets_are_right_to_left_and_fit_the_page_width(rendered):
    for lang, rtl in (("ar", True), ("en", False), ("zh", False)):
        wb = openpyxl.load_workbook(rendered[("risk", lang)])
        for ws in wb.worksheets[:3]:
            assert bool(ws.sheet_view.rightToLeft) is rtl
            assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
            assert ws.print_area
        assert wb.worksheets[1].print_title_rows == "$3:$3"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_formulas_use_only_functions_excel_and_libreoffice_share(rendered, form_id):
    wb = openpyxl.load_workbook(rendered[(form_id, "fr")])
    used = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r'"[^"]*"', "", c.value)))
    assert used and used <= ALLOWED_FUNCTIONS


def test_an_unfilled_workbook_reads_as_no_answers_and_no_problems(rendered, small_content):
    response = read_response(rendered[("risk", "zh")], small_content)
    assert (response.answers, response.problems, response.format) == ({}, (), "xlsx")
    assert response.identity.lang == "zh"


# ---------------------------------------------------------------- files changed by other programs


def _named(wb, name: str):
    ((sheet, ref),) = wb.defined_names[name].destinations
    return wb[sheet][ref.replace("$", "")]


def _edited(source: Path, target: Path, values: dict[str, object]) -> Path:
    """The workbook as another program (openpyxl) saved it, with named cells set to `values`."""
    wb = openpyxl.load_workbook(source)
    for name, value in values.items():
        if name.startswith("meta:"):
            wb[META_SHEET][name[5:]] = value
        else:
            _named(wb, name).value = value
    wb.save(target)
    return target


def _messages(response) -> dict:
    return {p.question: p.message for p in response.problems}


def test_an_answer_not_among_the_options_is_left_out_and_reported(rendered, small_content, tmp_path):
    path = _edited(rendered[("readiness", "fr")], tmp_path / "r.xlsx", {"ans_strategy": "Parfois"})
    response = read_response(path, small_content)
    assert "strategy" not in response.answers and "'Parfois'" in _messages(response)["strategy"]


def test_labels_are_matched_without_regard_to_case_as_the_live_results_do(rendered, small_content, tmp_path):
    path = _edited(
        rendered[("risk", "en")],
        tmp_path / "r.xlsx",
        {"ans_privacy_likelihood": "almost CERTAIN", "ans_data_sources__cctv": "yes"},
    )
    response = read_response(path, small_content)
    assert response.answers == {"privacy_likelihood": "5", "data_sources": ["cctv"]}


def test_a_changed_question_text_is_reported(rendered, small_content, tmp_path):
    path = _edited(rendered[("risk", "en")], tmp_path / "r.xlsx", {"txt_legitimacy_likelihood": "How likely is it to rain?"})
    assert "text was changed" in _messages(read_response(path, small_content))["legitimacy_likelihood"]


def test_a_changed_structure_or_an_unknown_version_makes_the_whole_file_unreadable(rendered, small_content, tmp_path):
    path = _edited(rendered[("risk", "en")], tmp_path / "r.xlsx", {"meta:B2": "0.9"})
    with pytest.raises(UnreadableFile, match="content version 0.9 of the risk form; this build reads version"):
        read_response(path, small_content)
    path = _edited(rendered[("risk", "en")], tmp_path / "s.xlsx", {"meta:B4": "0123456789abcdef"})
    with pytest.raises(UnreadableFile, match="structure does not match its version"):
        read_response(path, small_content)


def test_a_visible_identity_sheet_is_reported_as_saved_by_another_program(rendered, small_content, tmp_path):
    wb = openpyxl.load_workbook(rendered[("workbook", "es")])
    wb[META_SHEET].sheet_state = "visible"
    wb.save(tmp_path / "w.xlsx")
    assert "hidden state" in _messages(read_response(tmp_path / "w.xlsx", small_content))[None]


def test_dates_numbers_and_ticks_typed_as_text_are_checked(rendered, small_content, tmp_path):
    values = {"ans_assessment_date": "2024-03-05", "ans_staff_count": "12"}
    response = read_response(_edited(rendered[("readiness", "en")], tmp_path / "a.xlsx", values), small_content)
    assert response.answers == {"assessment_date": "2024-03-05", "staff_count": 12} and response.problems == ()
    values = {"ans_assessment_date": "next week", "ans_staff_count": 2_000_000}
    response = read_response(_edited(rendered[("readiness", "en")], tmp_path / "b.xlsx", values), small_content)
    assert response.answers == {}
    assert set(_messages(response)) == {"assessment_date", "staff_count"}
    values = {"ans_data_sources__cctv": "Yes", "ans_data_sources__records": "Maybe"}
    response = read_response(_edited(rendered[("risk", "en")], tmp_path / "c.xlsx", values), small_content)
    assert response.answers == {"data_sources": ["cctv"]} and "'Maybe'" in _messages(response)["data_sources"]


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda p: p.write_bytes(b"not a zip at all"), "neither an Excel, Word nor PDF file"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "hi"), "a zip archive that is not an Excel or Word file"),
    ],
)
def test_a_damaged_file_is_unreadable_with_a_message_a_coordinator_can_act_on(small_content, tmp_path, damage, message):
    path = tmp_path / "returned.xlsx"
    damage(path)
    with pytest.raises(UnreadableFile, match=message):
        read_response(path, small_content)


def test_a_workbook_without_the_identity_sheet_or_of_an_unknown_form_is_unreadable(rendered, small_content, tmp_path):
    wb = openpyxl.load_workbook(rendered[("risk", "en")])
    del wb[META_SHEET]
    wb.save(tmp_path / "copied.xlsx")
    with pytest.raises(UnreadableFile, match="no '_aitk' sheet"):
        read_response(tmp_path / "copied.xlsx", small_content)
    path = _edited(rendered[("risk", "en")], tmp_path / "other.xlsx", {"meta:B1": "budget"})
    with pytest.raises(UnreadableFile, match="unknown form 'budget'"):
        read_response(path, small_content)


def test_xml_entities_in_a_returned_file_are_never_resolved(rendered, small_content, tmp_path):
    source = _edited(rendered[("risk", "en")], tmp_path / "filled.xlsx", {"ans_use_case_name": "MARKER"})
    target = tmp_path / "entity.xlsx"
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                head, body = text.split("?>", 1) if text.startswith("<?xml") else ("", text)
                doctype = f'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
                data = ((head + "?>" if head else "") + doctype + body.replace("MARKER", "&xxe;MARKER")).encode("utf-8")
            zout.writestr(item, data)
    answer = read_response(target, small_content).answers.get("use_case_name", "")
    assert "SECRET" not in answer and "MARKER" in answer


# ---------------------------------------------------------------- what a printed workbook looks like


@pytest.mark.client
def test_libreoffice_prints_each_workbook_with_its_questions_and_results(rendered, small_content, tmp_path):
    soffice = require_client("soffice")
    require_client("pdftotext")
    sources = [rendered[("risk", lang)] for lang in ("en", "ar", "zh")]
    profile = Path("/tmp") / f"aitk-xlsx-pdf-{uuid.uuid4().hex}"
    try:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                *map(str, sources),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    form = small_content.form("risk")
    for lang, source in zip(("en", "ar", "zh"), sources, strict=True):
        pages = subprocess.run(
            ["pdftotext", "-layout", str(tmp_path / f"{source.stem}.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        # about, questions, results, each sheet from a new page: the about sheet on one page, the results on
        # the last; the questions take one page or two (two with Calibri's metrics, which Carlito gives here)
        printed = [p for p in pages if p.strip()]
        assert 3 <= len(printed) <= 4
        results_title = f"{form.title.get(lang)}{colon(lang)}{small_content.text('results_title', lang)}"
        if lang != "ar":  # poppler returns Arabic in visual order
            assert printed[-1].lstrip().startswith(results_title) and results_title not in " ".join(printed[:-1])
        text = " ".join(pages)
        assert "4.1" in text and form.version in text
        if lang != "ar":  # poppler returns Arabic in visual order
            assert form.title.get(lang) in text


# ---------------------------------------------------------------- the real content


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_real_form_renders_and_reads_back_empty_in_every_language(real_content, tmp_path, lang):
    for form in real_content.forms:
        path = tmp_path / f"{form.id}.xlsx"
        xlsx.render(real_content, form, lang, path)
        response = read_response(path, real_content)
        assert (response.answers, response.problems, response.identity.form) == ({}, (), form.id)


@pytest.mark.client
def test_real_forms_filled_in_libreoffice_score_as_scoring_py_does(real_content, tmp_path):
    jobs, cases = [], []
    for form in real_content.forms:
        for lang, name in (("en", "full"), ("ar", "partial"), ("zh", "conditional")):
            blank, out = tmp_path / f"{form.id}-{lang}.xlsx", tmp_path / f"{form.id}-{lang}-filled.xlsx"
            xlsx.render(real_content, form, lang, blank)
            answers = answer_set(form, name)
            jobs.append(fill_job(real_content, form, lang, blank, out, answers))
            cases.append((form, lang, answers, out))
    live = recalculate(jobs, tmp_path)
    for form, lang, answers, out in cases:
        response = read_response(out, real_content)
        assert (response.answers, response.problems) == (answers, ()), (form.id, lang)
        expected = expected_cells(real_content, form, lang, answers)
        assert differences(expected, live[str(out)]) == {}, (form.id, lang)
