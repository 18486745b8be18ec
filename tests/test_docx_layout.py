"""The Word form's layout: a title page that fits on one page, a contents page that Word and
Writer show without updating anything, and each answer scale explained at its first question."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from aitk_forms.formats.docx import render
from aitk_forms.formats.docx.contents import TOC_INSTRUCTION
from aitk_forms.formats.docx.legend import number_ranges
from aitk_forms.formats.docx.read import SAFE_PARSER
from aitk_forms.formats.docx.sdt import W, w
from aitk_forms.wording import question_numbers
from conftest import FORM_IDS, LANGUAGES, require_client

CASES = [(form, lang) for form in FORM_IDS for lang in LANGUAGES]
NS = {"w": W}


def part(path: Path, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name), SAFE_PARSER)


def style_of(paragraph: etree._Element) -> str | None:
    found = paragraph.find("w:pPr/w:pStyle", NS)
    return found.get(w("val")) if found is not None else None


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(w("t")))


def contents_control(body: etree._Element) -> etree._Element:
    return next(c for c in body.iter(w("sdt")) if c.find("w:sdtPr/w:docPartObj", NS) is not None)


@pytest.fixture(scope="module")
def rendered(small_content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx-layout")
    paths = {}
    for form_id, lang in CASES:
        paths[form_id, lang] = folder / f"{form_id}-{lang}.docx"
        render(small_content, small_content.form(form_id), lang, paths[form_id, lang])
    return paths


@pytest.mark.parametrize("form_id,lang", CASES)
def test_the_contents_list_every_part_heading_in_order_after_the_title_page(small_content, rendered, form_id, lang):
    body = part(rendered[form_id, lang]).find("w:body", NS)
    control = contents_control(body)
    heading, *entries = control.findall("w:sdtContent/w:p", NS)
    assert style_of(heading) == "TOCHeading" and text_of(heading) == small_content.text("contents_title", lang)
    assert heading.find("w:pPr/w:pageBreakBefore", NS) is not None
    headings = [(style_of(p)[-1], text_of(p)) for p in body.findall("w:p", NS) if style_of(p) in ("Heading1", "Heading2")]
    assert [(style_of(p)[-1], text_of(p)) for p in entries] == headings
    assert len(headings) >= len(small_content.form(form_id).sections)
    # Before the contents: only the title page, with its one table (form, version, language, identifier).
    before = list(body)[: list(body).index(control)]
    assert [e.tag for e in before].count(w("tbl")) == 1


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_contents_are_a_complete_toc_field_that_needs_no_update(rendered, form_id):
    path = rendered[form_id, "en"]
    control = contents_control(part(path).find("w:body", NS))
    kinds = [f.get(w("fldCharType")) for f in control.iter(w("fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert [i.text for i in control.iter(w("instrText"))] == [TOC_INSTRUCTION]
    assert '\\o "1-2"' in TOC_INSTRUCTION and "\\n" in TOC_INSTRUCTION  # no page numbers: the result is final
    assert control.find("w:sdtPr/w:lock", NS).get(w("val")) == "sdtContentLocked"
    gallery = control.find("w:sdtPr/w:docPartObj/w:docPartGallery", NS)
    assert gallery.get(w("val")) == "Table of Contents"
    # No field waits for an update, so Word asks nothing when the form is opened.
    assert part(path, "word/settings.xml").find("w:updateFields", NS) is None


def test_title_page_headings_stay_out_of_the_contents_and_the_outline(rendered):
    styles = part(rendered["risk", "en"], "word/styles.xml")
    front = next(s for s in styles.iter(w("style")) if s.find("w:name", NS).get(w("val")) == "Front Heading")
    assert front.find("w:pPr/w:outlineLvl", NS) is None and front.find("w:basedOn", NS).get(w("val")) == "Normal"
    body = part(rendered["risk", "en"]).find("w:body", NS)
    front_id = front.get(w("styleId"))
    assert [text_of(p) for p in body.findall("w:p", NS) if style_of(p) == front_id] == [
        "How to fill in this form",
        "How the answers are scored",
        "When you have finished",
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_scale_is_explained_once_just_before_the_answer_to_its_first_question(small_content, rendered, lang):
    form = small_content.form("risk")
    numbers = question_numbers(form)
    body = part(rendered["risk", lang]).find("w:body", NS)
    children = list(body)
    tables = [e for e in children if e.tag == w("tbl")][1:]  # after the title page's identity table
    assert len(tables) == 2
    for table, first, scale in zip(tables, ("privacy_likelihood", "privacy_severity"), ("likelihood", "severity"), strict=True):
        caption, answer = table.getprevious(), table.getnext()
        on_scale = [numbers[q.id] for q in form.questions() if q.scale == scale]
        assert style_of(caption) == "Caption"
        assert text_of(caption) == f"{small_content.text('question_label', lang)}: {', '.join(on_scale)}"
        assert answer.find("w:bookmarkStart", NS).get(w("name")) == f"ans_{first}"
        rows = [[text_of(cell) for cell in row.iter(w("tc"))] for row in table.iter(w("tr"))]
        assert rows[0] == [small_content.text("score_label", lang), small_content.text("answer_label", lang)]  # header row
        assert rows[1:] == [[f"{c.value:g}", c.label.get(lang)] for c in form.question(first).choices]


def test_question_numbers_in_a_caption_are_joined_into_runs_within_a_section():
    assert number_ranges(["2.1", "2.2", "2.3", "3.1", "3.2", "5.4"]) == "2.1\u20132.3, 3.1\u20133.2, 5.4"
    assert number_ranges(["2.1", "3.1", "4.1"]) == "2.1, 3.1, 4.1"
    assert number_ranges(["2.1", "2.3", "10.4", "10.5"]) == "2.1, 2.3, 10.4\u201310.5"


def test_a_placeholder_starts_with_an_invisible_character_in_answer_formatting(rendered):
    """Writer formats typed text like the first character it replaces: that must not be the grey placeholder."""
    body = part(rendered["workbook", "en"])
    flagged = [c for c in body.iter(w("sdt")) if c.find("w:sdtPr/w:showingPlcHdr", NS) is not None]
    assert flagged
    for control in flagged:
        lead, placeholder = control.findall("w:sdtContent/w:r", NS)
        assert lead.find("w:softHyphen", NS) is not None and lead.find("w:rPr/w:rStyle", NS) is None
        assert placeholder.find("w:rPr/w:rStyle", NS).get(w("val")) == "PlaceholderText"


@pytest.mark.client
def test_the_title_page_of_every_real_form_fits_on_one_page_in_writer(real_content, tmp_path):
    require_client("soffice")
    require_client("pdftotext")
    sources = []
    for form_id in FORM_IDS:
        for lang in ("en", "ar", "zh", "fr"):
            sources.append(tmp_path / f"{form_id}-{lang}.docx")
            render(real_content, real_content.form(form_id), lang, sources[-1])
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    convert = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
    subprocess.run(convert + [str(s) for s in sources], check=True, capture_output=True, timeout=300)
    for source in sources:
        lang = source.stem.split("-")[1]
        pdf = source.with_suffix(".pdf")
        second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True).stdout
        first_line = next(line for line in second.splitlines() if line.strip())
        assert real_content.text("contents_title", lang) in first_line, f"{source.name}: page 2 starts with {first_line!r}"


def test_a_scale_legend_is_captioned_with_the_scale_title_and_its_questions(real_content, tmp_path):
    path = tmp_path / "risk.docx"
    render(real_content, real_content.form("risk"), "fr", path)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    title = real_content.form("risk").scale_title("likelihood").get("fr")
    assert f"{title} (" in xml


def test_theme_languages_say_chinese_not_japanese_for_east_asian_text(real_content, tmp_path):
    path = tmp_path / "risk.docx"
    render(real_content, real_content.form("risk"), "zh", path)
    with zipfile.ZipFile(path) as archive:
        settings = archive.read("word/settings.xml").decode()
    assert 'w:eastAsia="zh-CN"' in settings and "ja-JP" not in settings
