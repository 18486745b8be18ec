"""The Word codec: what a respondent gets in the document, and the answers read back from it,
whether untouched, edited by hand, or filled and saved by LibreOffice Writer."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from aitk_forms.errors import UnreadableFile
from aitk_forms.formats.docx import render
from aitk_forms.formats.docx.read import SAFE_PARSER, answer_controls
from aitk_forms.formats.docx.sdt import W, w, w14
from aitk_forms.returns import read_response
from clients.writer_plan import MIXED, NATIVE
from conftest import FORM_IDS, LANGUAGES, ROOT, require_client, require_uno_python
from packages import rewrite_part

WRITER_FILL = ROOT / "tests" / "clients" / "writer_fill.py"
CASES = [(form, lang) for form in FORM_IDS for lang in LANGUAGES]
NS = {"w": W}


def document_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part), SAFE_PARSER)


def rewrite(source: Path, target: Path, change, part: str = "word/document.xml") -> Path:
    """Copy a .docx, passing one XML part (the document, unless told) through `change`."""
    return rewrite_part(source, target, part, change)


def type_into(root: etree._Element, tag: str, text: str) -> None:
    """Answer the control tagged `tag` as Word does: placeholder flag gone, the text in one run."""
    control = next(c for c in root.iter(w("sdt")) if c.find(f"{w('sdtPr')}/{w('tag')}").get(w("val")) == tag)
    flag = control.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")
    if flag is not None:
        flag.getparent().remove(flag)
    body = control.find(w("sdtContent"))
    body[:] = []
    run = etree.SubElement(body, w("r"))
    etree.SubElement(run, w("t")).text = text


def answer_plan(form, lang: str) -> tuple[dict, dict]:
    """What to fill in Writer (bookmark -> text, label or tick) and the answers expected back.
    Every fifth question is left untouched, so placeholders must read as unanswered."""
    fill, expected = {}, {}
    for index, question in enumerate(form.questions()):
        if index % 5 == 4:
            continue
        if question.kind == "multi_choice":
            ticked = [c.id for n, c in enumerate(question.choices) if n % 2 == 0]
            fill.update({f"ans_{question.id}__{choice}": True for choice in ticked})
            expected[question.id] = ticked
            continue
        if question.has_choices:
            choice = question.choices[index % len(question.choices)]
            value, answer = choice.label.get(lang), choice.id
        elif question.kind == "date":
            value = answer = "2024-03-05"
        elif question.kind == "number":
            value, answer = "1250", 1250
        elif question.kind == "long_text":
            value = answer = f"{NATIVE[lang]}\n{MIXED}"
        else:
            value = answer = f"{NATIVE[lang]} — {MIXED}"
        fill[f"ans_{question.id}"] = value
        expected[question.id] = answer
    return fill, expected


@pytest.fixture(scope="session")
def rendered(small_content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    paths = {}
    for form_id, lang in CASES:
        paths[form_id, lang] = folder / f"{form_id}-{lang}.docx"
        render(small_content, small_content.form(form_id), lang, paths[form_id, lang])
    return paths


@pytest.fixture(scope="session")
def writer_filled(small_content, rendered, tmp_path_factory):
    """Every form in every language filled and saved by Writer, then opened and saved again:
    one Writer process for all of them."""
    python = require_uno_python()
    folder = tmp_path_factory.mktemp("writer")
    jobs, expected = [], {}
    for case in CASES:
        fill, expected[case] = answer_plan(small_content.form(case[0]), case[1])
        first, second = folder / f"{case[0]}-{case[1]}-filled.docx", folder / f"{case[0]}-{case[1]}-again.docx"
        jobs += [{"source": str(rendered[case]), "target": str(first), "fill": fill}]
        jobs += [{"source": str(first), "target": str(second), "fill": {}}]
    (folder / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([python, str(WRITER_FILL), str(folder / "jobs.json")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, expected


# What the respondent gets


@pytest.mark.parametrize("form_id,lang", CASES)
def test_every_answer_has_a_control_tagged_with_its_question_id_inside_its_bookmark(small_content, rendered, form_id, lang):
    root = document_xml(rendered[form_id, lang])
    names = set()
    for start in root.iter(w("bookmarkStart")):
        control = start.getnext()
        assert control.tag == w("sdt") and control.getnext().tag == w("bookmarkEnd")
        tag = control.find(f"{w('sdtPr')}/{w('tag')}").get(w("val"))
        assert start.get(w("name")) == f"ans_{tag}"
        names.add(tag)
    expected = set()
    for question in small_content.form(form_id).questions():
        ids = [f"{question.id}__{c.id}" for c in question.choices] if question.kind == "multi_choice" else [question.id]
        expected.update(ids)
    assert names == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_drop_downs_show_labels_in_the_form_language_and_store_choice_ids(small_content, rendered, lang):
    question = small_content.form("risk").question("privacy_likelihood")
    control = answer_controls(document_xml(rendered["risk", lang]))["ans_privacy_likelihood"]
    items = [(i.get(w("displayText")), i.get(w("value"))) for i in control.iter(w("listItem"))]
    placeholder = small_content.text("choose_answer", lang)
    assert items == [(placeholder, "")] + [(c.label.get(lang), c.id) for c in question.choices]
    assert "".join(control.itertext()) == placeholder


def test_each_control_has_the_type_its_question_needs(rendered):
    controls = answer_controls(document_xml(rendered["workbook", "en"]))
    pr = {name: control.find(w("sdtPr")) for name, control in controls.items()}
    assert pr["ans_planning_decision"].find(w("dropDownList")) is not None
    assert pr["ans_planning_date"].find(f"{w('date')}/{w('dateFormat')}").get(w("val")) == "yyyy-MM-dd"
    assert pr["ans_deployment_checklist__training"].find(w14("checkbox")) is not None
    # Rich text (no type element): a plain-text control lets Writer corrupt mixed-script answers.
    kinds = {child.tag for child in pr["ans_system_name"]} - {w("rPr"), w("alias"), w("tag"), w("showingPlcHdr")}
    assert kinds == set()
    assert "".join(controls["ans_planning_date"].itertext()) == "Choose a date"


def test_parts_are_word_headings_and_questions_are_numbered(rendered):
    document = docx.Document(str(rendered["risk", "en"]))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title", "Question"))]
    assert ("Title", "Risk (fixture)") in styled
    assert ("Heading 1", "Human Autonomy") in styled
    assert ("Heading 2", "3  Privacy") in styled
    assert ("Question", "3.1  How likely is a privacy harm? (required)") in styled
    assert ("Heading 2", "1  The use case") in styled
    assert document.paragraphs[[p.text for p in document.paragraphs].index("1  The use case")].paragraph_format.page_break_before


def test_a_conditional_question_says_which_answer_it_depends_on(rendered):
    texts = [p.text for p in docx.Document(str(rendered["risk", "en"])).paragraphs]
    assert "Answer only if your answer to question 1.4 was: Yes or Don't know." in texts
    assert "Answer only if your answer to question 1.2 was: Other." in texts


def test_the_title_page_names_form_version_language_and_identifier(small_content, rendered):
    form = small_content.form("risk")
    table = docx.Document(str(rendered["risk", "zh"])).tables[0]
    values = [row.cells[1].text for row in table.rows]
    assert values[1:] == ["1.0", "中文", f"risk-1.0-zh-{form.fingerprint}"]


def test_the_footer_shows_the_form_title_and_the_page_number_without_codes(small_content, rendered):
    document = docx.Document(str(rendered["readiness", "en"]))
    paragraph = document.sections[0].footer.paragraphs[0]
    title = small_content.form("readiness").title.get("en")
    assert paragraph.text.startswith(f"{title}\t")
    assert "readiness 1.0" not in paragraph.text and "· en" not in paragraph.text
    assert paragraph._p.find(w("fldSimple")).get(w("instr")).strip() == "PAGE"


@pytest.mark.parametrize("form_id,lang", CASES)
def test_title_and_subtitle_are_not_letter_spaced_so_arabic_letters_stay_joined(rendered, form_id, lang):
    styles = docx.Document(str(rendered[form_id, lang])).styles
    for name in ("Title", "Subtitle"):
        assert styles[name].element.find(f"{w('rPr')}/{w('spacing')}") is None, name


@pytest.mark.parametrize("form_id,lang", CASES)
def test_the_document_is_protected_for_filling_in_forms_only(rendered, form_id, lang):
    settings = document_xml(rendered[form_id, lang], "word/settings.xml")
    protection = settings.find(w("documentProtection"))
    assert protection.get(w("edit")) == "forms" and protection.get(w("enforcement")) == "1"
    assert protection.getnext().tag == w("defaultTabStop")


def test_right_to_left_languages_are_laid_out_right_to_left(rendered):
    root = document_xml(rendered["risk", "ar"])
    body_paragraphs = root.findall(".//w:body/w:p", NS)
    assert all(p.find("w:pPr/w:bidi", NS) is not None for p in body_paragraphs)
    arabic_runs = [r for r in root.iter(w("r")) if any("\u0600" <= ch <= "\u06ff" for ch in "".join(r.itertext()))]
    assert arabic_runs and all(r.find("w:rPr/w:rtl", NS) is not None for r in arabic_runs)
    assert root.find(".//w:body/w:sectPr/w:bidi", NS) is not None
    assert all(t.find("w:tblPr/w:bidiVisual", NS) is not None for t in root.iter(w("tbl")))


@pytest.mark.parametrize("lang", ["en", "zh", "ru"])
def test_left_to_right_languages_have_no_right_to_left_layout(rendered, lang):
    root = document_xml(rendered["risk", lang])
    assert root.find(".//w:bidi", NS) is None and root.find(".//w:rtl", NS) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fonts_cover_latin_cyrillic_arabic_and_chinese_in_every_language(rendered, lang):
    styles = document_xml(rendered["risk", lang], "word/styles.xml")
    normal = styles.find("w:style[@w:styleId='Normal']/w:rPr/w:rFonts", NS)
    fonts = {key: normal.get(w(key)) for key in ("ascii", "hAnsi", "eastAsia", "cs")}
    # fonts Office has, not Noto: Arial carries Arabic, Microsoft YaHei Chinese (typesetting/word.py)
    assert fonts == {"ascii": "Calibri", "hAnsi": "Calibri", "eastAsia": "Microsoft YaHei", "cs": "Arial"}


def test_the_identity_travels_in_custom_properties(small_content, rendered):
    properties = document_xml(rendered["risk", "fr"], "docProps/custom.xml")
    found = {p.get("name"): p[0].text for p in properties}
    form = small_content.form("risk")
    assert found == {
        "aitk_form": "risk",
        "aitk_version": "1.0",
        "aitk_lang": "fr",
        "aitk_fingerprint": form.fingerprint,
        "aitk_content": "aitk",
    }


# Reading back without another program


@pytest.mark.parametrize("form_id,lang", CASES)
def test_an_untouched_form_reads_back_with_no_answers_and_no_problems(small_content, rendered, form_id, lang):
    response = read_response(rendered[form_id, lang], small_content)
    assert response.answers == {} and response.problems == ()
    assert (response.identity.form, response.identity.lang, response.format) == (form_id, lang, "docx")


def test_answers_typed_as_word_saves_them_read_back_by_tag(small_content, rendered, tmp_path):
    def answer(root):
        type_into(root, "system_name", "Ранний поиск 早期 بحث")
        type_into(root, "planning_decision", "Proceed with changes")
        type_into(root, "planning_date", "2025-12-31")
        type_into(root, "deployment_checklist__audit_log", "\u2612")
        for box in root.iter(w14("checked")):
            if box.getparent().getparent().find(w("tag")).get(w("val")) == "deployment_checklist__audit_log":
                box.set(w14("val"), "1")
        for start in list(root.iter(w("bookmarkStart"), w("bookmarkEnd"))):
            start.getparent().remove(start)  # found by tag alone, as Word keeps tags

    path = rewrite(rendered["workbook", "en"], tmp_path / "word.docx", answer)
    response = read_response(path, small_content)
    assert response.answers == {
        "system_name": "Ранний поиск 早期 بحث",
        "planning_decision": "proceed_with_changes",
        "planning_date": "2025-12-31",
        "deployment_checklist": ["audit_log"],
    }
    assert response.problems == ()


def test_an_answer_typed_into_a_control_still_flagged_as_showing_its_placeholder_is_read(small_content, rendered, tmp_path):
    """Writer 7.4 keeps the "showing placeholder" flag after a respondent types over the placeholder."""

    def answer(root):
        for tag, text in (("system_name", "Ранний поиск 早期"), ("planning_date", "2025-12-31")):
            control = next(c for c in root.iter(w("sdt")) if c.find(f"{w('sdtPr')}/{w('tag')}").get(w("val")) == tag)
            next(t for t in control.iter(w("t")) if t.text).text = text
            assert control.find(f"{w('sdtPr')}/{w('showingPlcHdr')}") is not None

    response = read_response(rewrite(rendered["workbook", "en"], tmp_path / "flagged.docx", answer), small_content)
    assert response.answers == {"system_name": "Ранний поиск 早期", "planning_date": "2025-12-31"}
    assert response.problems == ()


def test_a_flagged_control_showing_a_placeholder_this_content_does_not_have_is_unanswered(small_content, rendered, tmp_path):
    def old_placeholder(root):
        control = next(c for c in root.iter(w("sdt")) if c.find(f"{w('sdtPr')}/{w('tag')}").get(w("val")) == "planning_date")
        next(t for t in control.iter(w("t")) if t.text).text = "Pick a date"

    response = read_response(rewrite(rendered["workbook", "en"], tmp_path / "stale.docx", old_placeholder), small_content)
    assert response.answers == {} and response.problems == ()


def test_a_choice_not_in_the_list_is_reported_and_left_out(small_content, rendered, tmp_path):
    path = rewrite(rendered["workbook", "en"], tmp_path / "bad.docx", lambda root: type_into(root, "planning_decision", "Maybe"))
    response = read_response(path, small_content)
    assert "planning_decision" not in response.answers
    assert [(p.question, p.message) for p in response.problems] == [("planning_decision", "'Maybe' is not one of the choices")]


def test_a_bad_date_and_a_number_out_of_range_are_reported_and_left_out(small_content, rendered, tmp_path):
    def answer(root):
        type_into(root, "assessment_date", "31/02/2024")
        type_into(root, "staff_count", "-5")

    response = read_response(rewrite(rendered["readiness", "fr"], tmp_path / "bad.docx", answer), small_content)
    assert response.answers == {}
    assert {p.question for p in response.problems} == {"assessment_date", "staff_count"}


def test_a_number_written_with_a_decimal_comma_and_spaces_is_read(small_content, rendered, tmp_path):
    response = read_response(
        rewrite(rendered["readiness", "fr"], tmp_path / "n.docx", lambda root: type_into(root, "staff_count", "1 250,5")),
        small_content,
    )
    assert response.answers == {"staff_count": 1250.5}


def test_a_missing_control_is_reported(small_content, rendered, tmp_path):
    def delete(root):
        for control in list(root.iter(w("sdt"))):
            if control.find(f"{w('sdtPr')}/{w('tag')}").get(w("val")) == "owner":
                control.getparent().remove(control)

    response = read_response(rewrite(rendered["readiness", "en"], tmp_path / "gone.docx", delete), small_content)
    assert [(p.question, p.severity) for p in response.problems] == [("owner", "error")]


def test_a_changed_structure_makes_the_file_unreadable(small_content, rendered, tmp_path):
    def change(root):
        next(p for p in root if p.get("name") == "aitk_fingerprint")[0].text = "0000000000000000"

    path = rewrite(rendered["risk", "en"], tmp_path / "changed.docx", change, part="docProps/custom.xml")
    with pytest.raises(UnreadableFile, match="structure does not match its version"):
        read_response(path, small_content)


def test_a_form_version_this_content_does_not_have_is_unreadable(small_content, rendered, tmp_path):
    def change(root):
        next(p for p in root if p.get("name") == "aitk_version")[0].text = "0.1"

    path = rewrite(rendered["risk", "en"], tmp_path / "old.docx", change, part="docProps/custom.xml")
    with pytest.raises(UnreadableFile, match="version 0.1"):
        read_response(path, small_content)


def test_a_word_document_not_made_by_aitk_forms_is_unreadable(small_content, tmp_path):
    path = tmp_path / "letter.docx"
    docx.Document().save(str(path))
    with pytest.raises(UnreadableFile, match="not a form made by aitk-forms"):
        read_response(path, small_content)


@pytest.mark.parametrize("data,reason", [(b"", "empty"), (b"PK\x03\x04 damaged", "damaged"), (b"%PDF-1.7", "damaged")])
def test_a_file_that_is_not_a_word_document_is_unreadable(small_content, tmp_path, data, reason):
    path = tmp_path / "returned.docx"
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason):
        read_response(path, small_content)


def test_xml_entities_in_a_returned_file_are_never_expanded(small_content, rendered, tmp_path):
    source = rendered["workbook", "en"]
    with zipfile.ZipFile(source) as archive:
        xml = archive.read("word/document.xml").decode()
    doctype = '<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY big "EXPANDED">]>'
    xml = xml.replace("?>", "?>" + doctype, 1).replace(">Type your answer here<", ">&big;&secret;<", 1)
    target = tmp_path / "entities.docx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item, xml if item.filename == "word/document.xml" else old.read(item))
    # A document type declaration has no place in an Office file (ECMA-376 Part 2, M1.18): refused unread.
    with pytest.raises(UnreadableFile, match="document type"):
        read_response(target, small_content)


@pytest.mark.parametrize("form_id", FORM_IDS)
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_the_real_forms_render_and_read_back_untouched(real_content, tmp_path, form_id, lang):
    path = tmp_path / f"{form_id}.docx"
    render(real_content, real_content.form(form_id), lang, path)
    response = read_response(path, real_content)
    assert response.answers == {} and response.problems == ()
    assert len(answer_controls(document_xml(path))) >= len(list(real_content.form(form_id).questions()))


# Filled and saved by LibreOffice Writer, a program that is not ours


@pytest.mark.client
@pytest.mark.parametrize("form_id,lang", CASES)
def test_answers_filled_in_writer_read_back_exactly(small_content, writer_filled, form_id, lang):
    folder, expected = writer_filled
    response = read_response(folder / f"{form_id}-{lang}-filled.docx", small_content)
    assert response.problems == ()
    assert response.answers == expected[form_id, lang]
    assert (response.identity.form, response.identity.lang) == (form_id, lang)


@pytest.mark.client
@pytest.mark.parametrize("form_id,lang", CASES)
def test_a_second_open_and_save_in_writer_changes_nothing(small_content, writer_filled, form_id, lang):
    folder, _ = writer_filled
    first = read_response(folder / f"{form_id}-{lang}-filled.docx", small_content)
    second = read_response(folder / f"{form_id}-{lang}-again.docx", small_content)
    assert (second.identity, second.answers, second.problems) == (first.identity, first.answers, first.problems)


@pytest.mark.client
@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_answers_typed_or_chosen_in_writer_are_not_in_the_grey_placeholder_style(small_content, writer_filled, lang):
    folder, expected = writer_filled
    controls = answer_controls(document_xml(folder / f"risk-{lang}-filled.docx"))
    answered = [f"ans_{qid}" for qid, value in expected["risk", lang].items() if not isinstance(value, list)]
    assert len(answered) >= 4
    for name in answered:
        runs = [r for r in controls[name].iter(w("r")) if "".join(t.text or "" for t in r.iter(w("t"))).strip()]
        assert runs, name
        for run in runs:
            assert run.find("w:rPr/w:rStyle[@w:val='PlaceholderText']", NS) is None, name
            assert run.find("w:rPr/w:color", NS) is None, name


@pytest.mark.client
def test_writer_keeps_the_forms_only_protection(writer_filled):
    folder, _ = writer_filled
    settings = document_xml(folder / "risk-ar-again.docx", "word/settings.xml")
    assert settings.find(w("documentProtection")).get(w("edit")) == "forms"


@pytest.mark.client
def test_writer_prints_the_forms_with_their_questions_in_every_script(small_content, rendered, tmp_path):
    require_client("soffice")
    require_client("pdftotext")
    sources = [rendered["risk", lang] for lang in ("en", "ar", "zh")]
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
        ]
        + [str(s) for s in sources],
        check=True,
        capture_output=True,
        timeout=180,
    )
    for lang in ("en", "zh"):
        text = subprocess.run(["pdftotext", str(tmp_path / f"risk-{lang}.pdf"), "-"], capture_output=True, text=True).stdout
        label = small_content.form("risk").question("privacy_likelihood").label.get(lang)
        assert label.replace(" ", "") in text.replace(" ", "").replace("\n", "")
    assert (tmp_path / "risk-ar.pdf").stat().st_size > 10_000
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
