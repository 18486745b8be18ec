"""The fillable PDF codec: fields named as INTERFACES.md states, identity in the metadata, and round trips
through clients that are not our renderer (PyMuPDF and pypdf), in every form and language."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

import pymupdf
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from aitk_forms.errors import UnreadableFile
from aitk_forms.formats import pdf
from aitk_forms.formats.pdf import fill as pdf_fill
from aitk_forms.returns import read_response
from aitk_forms.wording import question_numbers
from conftest import FORM_IDS, LANGUAGES, require_client

# A typed answer in each language's own script, mixed with Latin where respondents would mix them.
TYPED = {
    "en": "Metropolitan Police Service",
    "fr": "Gendarmerie nationale — brigade numérique, équipe « données »",
    "es": "Policía Nacional — Comisaría de Información, año 2026",
    "ar": "شرطة دبي — وحدة الذكاء الاصطناعي",
    "ru": "Полиция Москвы — отдел данных",
    "zh": "北京市公安局 人工智能办公室",
}


@pytest.fixture(scope="module")
def rendered(small_content, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Every form in every language, rendered once for the module."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for lang in LANGUAGES:
        for form_id in FORM_IDS:
            paths[form_id, lang] = folder / lang / f"{form_id}.pdf"
            paths[form_id, lang].parent.mkdir(exist_ok=True)
            pdf.render(small_content, small_content.form(form_id), lang, paths[form_id, lang])
    return paths


def sample_answers(form, lang: str) -> dict:
    """An answer to every question (hidden or not: reading does not depend on visibility)."""
    answers: dict = {}
    for n, q in enumerate(form.questions()):
        if q.kind == "multi_choice":
            answers[q.id] = [q.choices[0].id, q.choices[-1].id]
        elif q.has_choices:
            answers[q.id] = q.choices[n % len(q.choices)].id
        elif q.kind == "text":
            answers[q.id] = TYPED[lang]
        elif q.kind == "long_text":
            answers[q.id] = f"{TYPED[lang]}\n2. {TYPED[lang]}\n\n3. (2026)"
        elif q.kind == "date":
            answers[q.id] = "2026-03-31"
        elif q.kind == "number":
            answers[q.id] = 1250
    return answers


def fill_with_pymupdf(source: Path, target: Path, answers: dict) -> None:
    doc = pymupdf.open(source)
    for page in doc:
        for widget in page.widgets():
            name = widget.field_name
            if widget.field_type == pymupdf.PDF_WIDGET_TYPE_TEXT and name in answers:
                widget.field_value = str(answers[name])
                widget.update()
            elif widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON and answers.get(name) == widget.on_state():
                widget.field_value = True
                widget.update()
            elif widget.field_type == pymupdf.PDF_WIDGET_TYPE_CHECKBOX:
                question, choice = name.split("__")
                if choice in answers.get(question, []):
                    widget.field_value = True
                    widget.update()
    doc.save(target)
    doc.close()


def fill_with_pypdf(source: Path, target: Path, form, answers: dict) -> None:
    """pypdf fills the fields, through the same few calls as the sample filler (content and language unused)."""
    pdf_fill(None, form, "", source, target, answers)


def expected_field_names(form) -> set[str]:
    names = set()
    for q in form.questions():
        if q.kind == "multi_choice":
            names |= {f"{q.id}__{c.id}" for c in q.choices}
        else:
            names.add(q.id)
    return names


def widgets(path: Path) -> list:
    return [annot.get_object() for page in PdfReader(path).pages for annot in page.get("/Annots", [])]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_question_has_a_field_named_by_its_question_id(rendered, small_content, form_id, lang):
    fields = PdfReader(rendered[form_id, lang]).get_fields()
    assert set(fields) == expected_field_names(small_content.form(form_id))


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_choice_buttons_export_choice_ids_and_check_boxes_yes(rendered, small_content, form_id, lang):
    form = small_content.form(form_id)
    fields = PdfReader(rendered[form_id, lang]).get_fields()
    for q in form.questions():
        if q.kind == "multi_choice":
            for c in q.choices:
                assert set(fields[f"{q.id}__{c.id}"]["/_States_"]) == {"/Off", "/Yes"}
        elif q.has_choices:
            assert set(fields[q.id]["/_States_"]) == {f"/{c.id}" for c in q.choices}


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_long_text_fields_are_multi_line_and_no_text_field_has_a_length_limit(rendered, small_content, form_id):
    form = small_content.form(form_id)
    fields = PdfReader(rendered[form_id, "en"]).get_fields()
    for q in form.questions():
        if q.kind in ("text", "long_text", "date", "number"):
            assert "/MaxLen" not in fields[q.id]
            assert bool(int(fields[q.id].get("/Ff", 0)) & (1 << 12)) == (q.kind == "long_text")


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_every_widget_has_an_appearance_for_each_state_and_viewers_need_not_regenerate(rendered, lang):
    path = rendered["risk", lang]
    assert PdfReader(path).trailer["/Root"]["/AcroForm"]["/NeedAppearances"].value is False
    for widget in widgets(path):
        normal = widget["/AP"]["/N"]
        if widget.get("/FT") == "/Tx":
            assert normal.get_object().get("/Subtype") == "/Form"
        else:
            assert "/Off" in normal and len(normal) == 2
            assert widget["/AS"] == "/Off"


# Letters a respondent may type that no label of the small forms contains.
UNTYPED = {
    "en": "ĄąŒœßŁłŽžЖжЯяЁё€0123456789",
    "ar": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي٠١٢٣٤٥٦٧٨٩",
    # Common hanzi (GB 2312 level 1), a level 2 one (鑫), and Chinese punctuation.
    "zh": "北京市公安局人工智能办公室警察数据鑫，。、：“”（）",
}


def field_font_program(path: Path) -> bytes:
    """The embedded font program of the form's default text field font (/DA of the AcroForm)."""
    acro = PdfReader(path).trailer["/Root"]["/AcroForm"]
    name = str(acro["/DA"]).split()[2]
    font = acro["/DR"]["/Font"][name].get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    return (descriptor.get("/FontFile2") or descriptor["/FontFile3"]).get_object().get_data()


# What respondents type in any language besides their script: dates, e-mail addresses, numbers, references.
SIGNS = "-/()@.,:;+_#%&'\"?!*=<>[]{}|~$€£¥«»–—‘’“”…"


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_text_fields_use_an_embedded_font_covering_the_script_the_respondent_types(rendered, lang):
    covered = TTFont(BytesIO(field_font_program(rendered["readiness", lang]))).getBestCmap()
    assert [c for c in UNTYPED[lang] + UNTYPED["en"] + SIGNS if ord(c) not in covered] == []


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_field_font_draws_no_text_of_the_page(rendered, lang):
    # The field font is embedded whole with a ToUnicode map from its cmap alone; the page's text must come
    # from the page's own fonts, whose every drawn glyph (Arabic joining forms too) maps to its text.
    reader = PdfReader(rendered["risk", lang])
    field_font = str(reader.trailer["/Root"]["/AcroForm"]["/DA"]).split()[2]
    drawn = {operands[0] for page in reader.pages for operands, operator in page.get_contents().operations if operator == b"Tf"}
    assert field_font not in drawn and drawn


def test_the_chinese_field_font_is_a_subset_not_the_whole_cjk_font(rendered):
    # The whole Noto Sans CJK SC is 16 MB; GB 2312 and Latin come to under 2 MB.
    assert len(field_font_program(rendered["risk", "zh"])) < 2_500_000
    assert rendered["risk", "zh"].stat().st_size < 4_000_000


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tooltips_name_the_question_for_screen_readers(rendered, small_content, lang):
    form = small_content.form("risk")
    fields = PdfReader(rendered["risk", lang]).get_fields()
    numbers = question_numbers(form)  # the same numbers as every other format prints
    for q in form.questions():
        name = f"{q.id}__{q.choices[0].id}" if q.kind == "multi_choice" else q.id
        assert fields[name]["/TU"].startswith(f"{numbers[q.id]} {q.label.get(lang)}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_empty_form_reads_back_its_identity_with_no_answers_and_no_problems(rendered, small_content, lang):
    response = read_response(rendered["risk", lang], small_content)
    form = small_content.form("risk")
    assert response.identity.as_dict() == {
        "form": "risk",
        "version": form.version,
        "lang": lang,
        "fingerprint": form.fingerprint,
        "content": small_content.name,
    }
    assert (response.answers, response.problems, response.format) == ({}, (), "pdf")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_filled_by_pymupdf_read_back_exactly(rendered, small_content, tmp_path, form_id, lang):
    form = small_content.form(form_id)
    answers = sample_answers(form, lang)
    filled = tmp_path / "filled.pdf"
    fill_with_pymupdf(rendered[form_id, lang], filled, answers)
    response = read_response(filled, small_content)
    assert response.answers == answers
    assert response.problems == ()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_answers_filled_by_pypdf_read_back_exactly(rendered, small_content, tmp_path, form_id, lang):
    form = small_content.form(form_id)
    answers = sample_answers(form, lang)
    filled = tmp_path / "filled.pdf"
    fill_with_pypdf(rendered[form_id, lang], filled, form, answers)
    response = read_response(filled, small_content)
    assert response.answers == answers
    assert response.problems == ()


def _set_value(source: Path, target: Path, field: str, value) -> None:
    writer = PdfWriter(clone_from=source)
    for ref in writer._root_object["/AcroForm"]["/Fields"]:
        if ref.get_object()["/T"] == field:
            ref.get_object()[NameObject("/V")] = value
    writer.write(target)


def test_a_choice_that_is_not_offered_is_left_out_and_reported(rendered, small_content, tmp_path):
    filled = tmp_path / "bad.pdf"
    _set_value(rendered["risk", "en"], filled, "privacy_likelihood", NameObject("/9"))
    response = read_response(filled, small_content)
    assert "privacy_likelihood" not in response.answers
    assert [(p.question, "'9' is not one of the choices" in p.message) for p in response.problems] == [
        ("privacy_likelihood", True)
    ]


@pytest.mark.parametrize(
    ("value", "reported"),
    [("31/03/2026", "is not a date"), ("2026-02-30", "is not a date")],
)
def test_a_date_not_written_as_iso_is_left_out_and_reported(rendered, small_content, tmp_path, value, reported):
    filled = tmp_path / "bad.pdf"
    _set_value(rendered["readiness", "fr"], filled, "assessment_date", TextStringObject(value))
    response = read_response(filled, small_content)
    assert "assessment_date" not in response.answers
    assert response.problems[0].question == "assessment_date" and reported in response.problems[0].message


@pytest.mark.parametrize(("value", "read"), [("1 250", 1250), ("12,5", 12.5), ("7.25", 7.25)])
def test_numbers_are_read_with_spaces_and_decimal_commas(rendered, small_content, tmp_path, value, read):
    filled = tmp_path / "n.pdf"
    _set_value(rendered["readiness", "fr"], filled, "staff_count", TextStringObject(value))
    assert read_response(filled, small_content).answers == {"staff_count": read}


@pytest.mark.parametrize("value", ["many", "-3", "2000000"])
def test_a_number_that_is_not_one_or_out_of_range_is_reported(rendered, small_content, tmp_path, value):
    filled = tmp_path / "n.pdf"
    _set_value(rendered["readiness", "en"], filled, "staff_count", TextStringObject(value))
    response = read_response(filled, small_content)
    assert response.answers == {} and [p.question for p in response.problems] == ["staff_count"]


def test_a_missing_field_is_reported_as_an_error(rendered, small_content, tmp_path):
    writer = PdfWriter(clone_from=rendered["workbook", "en"])
    acro = writer._root_object["/AcroForm"]
    acro[NameObject("/Fields")] = type(acro["/Fields"])(f for f in acro["/Fields"] if f.get_object()["/T"] != "planning_need")
    for page in writer.pages:
        page[NameObject("/Annots")] = type(page["/Annots"])(
            a for a in page["/Annots"] if a.get_object().get("/T") != "planning_need"
        )
    damaged = tmp_path / "missing.pdf"
    writer.write(damaged)
    problems = read_response(damaged, small_content).problems
    assert [(p.question, p.severity) for p in problems] == [("planning_need", "error")]


def test_a_password_protected_pdf_is_refused_with_a_message_saying_what_to_do(rendered, small_content, tmp_path):
    writer = PdfWriter(clone_from=rendered["risk", "en"])
    writer.encrypt("secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(UnreadableFile, match="password"):
        read_response(locked, small_content)


def test_a_truncated_pdf_is_refused_as_damaged(rendered, small_content, tmp_path):
    data = rendered["risk", "en"].read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[: len(data) // 3])
    with pytest.raises(UnreadableFile, match="damaged|not a form"):
        read_response(broken, small_content)


def test_a_pdf_that_is_not_one_of_our_forms_is_refused(small_content, tmp_path):
    other = tmp_path / "other.pdf"
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "An invoice"})
    writer.write(other)
    with pytest.raises(UnreadableFile, match="not a form made by aitk-forms"):
        read_response(other, small_content)


def test_a_form_whose_structure_changed_is_unreadable(rendered, small_content, tmp_path):
    writer = PdfWriter(clone_from=rendered["risk", "en"])
    writer.add_metadata({"/aitk_fingerprint": "0000000000000000"})
    changed = tmp_path / "changed.pdf"
    writer.write(changed)
    with pytest.raises(UnreadableFile, match="structure does not match its version"):
        read_response(changed, small_content)


def _ink(path: Path, page: int, rect, tmp_path: Path) -> int:
    """Dark pixels poppler draws inside `rect` (PDF points, origin bottom left) of a page, at 72 dpi."""
    x1, y1, x2, y2 = (float(v) for v in rect)
    height = float(PdfReader(path).pages[page]["/MediaBox"][3])
    box = [int(min(x1, x2)) + 2, int(height - max(y1, y2)) + 2, int(abs(x2 - x1)) - 4, int(abs(y2 - y1)) - 4]
    out = tmp_path / f"ink-{page}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "72", "-f", str(page + 1), "-l", str(page + 1), "-singlefile"]
        + ["-x", str(box[0]), "-y", str(box[1]), "-W", str(box[2]), "-H", str(box[3]), str(path), str(out)],
        check=True,
        capture_output=True,
    )
    data = (out.with_suffix(".pgm")).read_bytes()
    pixels = data.split(b"\n", 3)[3]
    return sum(1 for p in pixels if p < 128)


@pytest.mark.client
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_text_filled_by_pymupdf_is_drawn_by_poppler_inside_its_field(rendered, small_content, tmp_path, lang):
    require_client("pdftoppm")
    form = small_content.form("risk")
    filled = tmp_path / "filled.pdf"
    fill_with_pymupdf(rendered["risk", lang], filled, sample_answers(form, lang))
    field = next(w for w in widgets(filled) if w.get("/T") == "use_case_name")
    empty = next(w for w in widgets(rendered["risk", lang]) if w.get("/T") == "use_case_name")
    assert _ink(rendered["risk", lang], 0, empty["/Rect"], tmp_path) == 0
    assert _ink(filled, 0, field["/Rect"], tmp_path) > 50


@pytest.mark.parametrize(
    ("form_id", "lang", "fill"), [("readiness", "en", "pypdf"), ("risk", "ar", "pymupdf"), ("workbook", "zh", "pymupdf")]
)
def test_real_forms_round_trip_through_a_client(real_content, tmp_path, form_id, lang, fill):
    form = real_content.form(form_id)
    empty, filled = tmp_path / "empty.pdf", tmp_path / "filled.pdf"
    pdf.render(real_content, form, lang, empty)
    answers = sample_answers(form, lang)
    if fill == "pypdf":
        fill_with_pypdf(empty, filled, form, answers)
    else:
        fill_with_pymupdf(empty, filled, answers)
    response = read_response(filled, real_content)
    assert (response.answers, response.problems) == (answers, ())
    assert set(PdfReader(empty).get_fields()) == expected_field_names(form)


def test_the_chinese_field_font_gives_each_glyph_the_cid_equal_to_its_glyph_id(rendered):
    # Viewers write typed text as glyph ids; readers look the glyphs of a CID-keyed CFF font up by CID.
    order = TTFont(BytesIO(field_font_program(rendered["risk", "zh"]))).getGlyphOrder()
    assert [name for gid, name in enumerate(order[1:], start=1) if name != f"cid{gid:05d}"] == []
