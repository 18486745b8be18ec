"""The Word form's layout: title matter on at most two pages (the introduction, the recommended order, how to fill
in and how answers are scored), the questions from the next page with no
contents page (its page numbers could never be right in a protected form that grows as it is filled in),
part headings that Word's navigation pane lists, and each answer scale explained at its first question."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pymupdf
import pytest
from lxml import etree

from aitk_forms.formats.docx import render
from aitk_forms.formats.docx.legend import number_ranges
from aitk_forms.formats.docx.read import SAFE_PARSER
from aitk_forms.formats.docx.sdt import W, w
from aitk_forms.outline import outline
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


@pytest.fixture(scope="module")
def rendered(small_content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx-layout")
    paths = {}
    for form_id, lang in CASES:
        paths[form_id, lang] = folder / f"{form_id}-{lang}.docx"
        render(small_content, small_content.form(form_id), lang, paths[form_id, lang])
    return paths


def outline_level(styles: etree._Element, style_id: str) -> str | None:
    found = styles.find(f"w:style[@w:styleId='{style_id}']/w:pPr/w:outlineLvl", NS)
    return found.get(w("val")) if found is not None else None


@pytest.mark.parametrize("form_id,lang", CASES)
def test_the_questions_follow_the_title_page_with_no_contents_field_to_update(small_content, rendered, form_id, lang):
    body = part(rendered[form_id, lang]).find("w:body", NS)
    assert not list(body.iter(w("fldChar"))) and not list(body.iter(w("fldSimple")))  # no TOC, nothing to update
    assert not [c for c in body.iter(w("sdt")) if c.find("w:sdtPr/w:docPartObj", NS) is not None]
    assert part(rendered[form_id, lang], "word/settings.xml").find("w:updateFields", NS) is None
    paragraphs = body.findall("w:p", NS)
    first_part = next(p for p in paragraphs if style_of(p) in ("Heading1", "Heading2"))
    assert first_part.find("w:pPr/w:pageBreakBefore", NS) is not None
    # Before the first part: only the title page, with its one table (form, version, language, identifier).
    before = list(body)[: list(body).index(first_part)]
    assert [e.tag for e in before].count(w("tbl")) == 1


def part_headings(form, lang: str) -> list[tuple[int, str]]:
    """(outline level from 1, text) of each part heading, in reading order, as the outline numbers them."""
    found = []
    for part_ in outline(form).parts:
        if part_.opens is not None:
            found.append((1, part_.opens.title.get(lang)))
        found.append((2 if form.groups else 1, f"{part_.number}  {part_.section.title.get(lang)}"))
    return found


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_part_heading_has_the_outline_level_the_navigation_pane_lists(small_content, rendered, form_id):
    path = rendered[form_id, "en"]
    styles = part(path, "word/styles.xml")
    assert (outline_level(styles, "Heading1"), outline_level(styles, "Heading2")) == ("0", "1")
    body = part(path).find("w:body", NS)
    headings = [(int(style_of(p)[-1]), text_of(p)) for p in body.findall("w:p", NS) if style_of(p) in ("Heading1", "Heading2")]
    assert headings == part_headings(small_content.form(form_id), "en")


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_answer_before_the_last_question_keeps_with_it_so_the_last_page_never_holds_one_question(
    small_content, rendered, form_id
):
    body = part(rendered[form_id, "ar"]).find("w:body", NS)
    questions = list(small_content.form(form_id).questions())
    answers = {}
    for paragraph in body.iter(w("p")):
        for start in paragraph.findall("w:bookmarkStart", NS):
            answers.setdefault(start.get(w("name")).removeprefix("ans_").split("__")[0], []).append(paragraph)
    kept = {qid: all(p.find("w:pPr/w:keepNext", NS) is not None for p in found) for qid, found in answers.items()}
    assert kept[questions[-2].id] is True
    assert not any(kept[q.id] for q in questions[:-2] + questions[-1:] if q.id in kept)


def test_title_page_headings_stay_out_of_the_outline(rendered):
    styles = part(rendered["risk", "en"], "word/styles.xml")
    front = next(s for s in styles.iter(w("style")) if s.find("w:name", NS).get(w("val")) == "Front Heading")
    assert front.find("w:pPr/w:outlineLvl", NS) is None and front.find("w:basedOn", NS).get(w("val")) == "Normal"
    body = part(rendered["risk", "en"]).find("w:body", NS)
    front_id = front.get(w("styleId"))
    assert [text_of(p) for p in body.findall("w:p", NS) if style_of(p) == front_id] == [
        "The recommended order",
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
def test_in_writer_title_matter_fits_two_pages_parts_are_outlined_and_the_last_page_has_two_questions(real_content, tmp_path):
    """Writer's PDF bookmarks come from the headings' outline levels, as Word's navigation pane does."""
    require_client("soffice")
    sources = []
    for form_id in FORM_IDS:
        for lang in ("en", "ar", "zh", "fr"):
            sources.append(tmp_path / f"{form_id}-{lang}.docx")
            render(real_content, real_content.form(form_id), lang, sources[-1])
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    convert = ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)]
    subprocess.run(convert + [str(s) for s in sources], check=True, capture_output=True, timeout=300)
    problems = []
    for source in sources:
        form_id, lang = source.stem.split("-")
        form = real_content.form(form_id)
        with pymupdf.open(source.with_suffix(".pdf")) as document:
            bookmarks = document.get_toc()  # [level, title, page]; a Heading 2 with no Heading 1 above is level 1
            last_page = document[-1].get_text()
        titles = [" ".join(title.split()) for _, title, _ in bookmarks]
        if titles != [" ".join(text.split()) for _, text in part_headings(form, lang)]:
            problems.append(f"{source.name}: PDF bookmarks {titles[:3]}… are not the part headings")
        elif bookmarks[0][2] not in (2, 3):
            problems.append(f"{source.name}: the title matter runs to page {bookmarks[0][2] - 1}; at most two pages")
        # the last page holds the last two questions, never the last one alone
        numbers = question_numbers(form)
        if not all(numbers[q.id] in last_page for q in list(form.questions())[-2:]):
            problems.append(f"{source.name}: the last page holds one question: {last_page[:120]!r}")
    assert problems == [], "\n".join(problems)


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
