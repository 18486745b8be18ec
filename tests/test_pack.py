"""The printed pack: every script set and shaped right, contents that point at the right pages, and
forms laid out for writing by hand."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from aitk_forms.cli import main
from aitk_forms.errors import UsageError
from aitk_forms.formats import RenderOptions, pack
from aitk_forms.model import is_rtl
from aitk_forms.typesetting.fonts import families
from conftest import LANGUAGES, SMALL, require_client


def comparable(text: str) -> str:
    """Text as compared: NFKC (Arabic presentation forms back to letters), without bidi controls
    and white space, which pdftotext adds at line ends and around embedded runs, and without
    hyphens, which it drops at a line end ("a-t-" / "elle" comes out as "a-telle")."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch != "-" and unicodedata.category(ch) != "Cf")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, as pdftotext extracts it."""
    out = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\f")[:-1]


def assert_in_order(needles: list[str], text: str) -> None:
    """Each needle is in `text`, after the one before it."""
    haystack, at = comparable(text), 0
    for needle in needles:
        found = haystack.find(comparable(needle), at)
        assert found >= 0, f"not found in reading order after position {at}: {needle!r}"
        at = found + len(comparable(needle))


@pytest.fixture(scope="module")
def small_pack(small_content, tmp_path_factory):
    """The pack of the small content in a language, rendered once per language."""
    made: dict[str, Path] = {}

    def of(lang: str) -> Path:
        if lang not in made:
            made[lang] = tmp_path_factory.mktemp("pack") / f"pack-{lang}.pdf"
            pack.render(small_content, None, lang, made[lang])
        return made[lang]

    return of


def has_combining_mark(text: str) -> bool:
    """True for a text with a combining mark left after NFKC, such as an Arabic vowel sign (damma)."""
    return any(unicodedata.category(ch) == "Mn" for ch in unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pack_text_holds_every_question_label_in_logical_order(small_content, small_pack, lang):
    text = "".join(pdf_pages(small_pack(lang)))
    for form in small_content.forms:
        assert_in_order([form.title.get(lang)] + [q.label.get(lang) for q in form.questions()], text)


@pytest.mark.parametrize("content_fixture", ["small_content", "real_content"])
def test_arabic_translations_carry_no_vowel_marks(request, content_fixture):
    """WeasyPrint maps a letter and its vowel mark to one glyph's text (Kozea/WeasyPrint#2841), so
    copied or extracted text would repeat letters. Everyday written Arabic leaves the marks out; so do we."""
    content = request.getfixturevalue(content_fixture)
    marked = [text.path for form in content.forms for text in form.texts() if has_combining_mark(text.translation("ar") or "")]
    marked += [text.path for _, text in content.ui if has_combining_mark(text.translation("ar") or "")]
    assert marked == []


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_real_pack_holds_every_question_label_in_order(real_content, tmp_path, lang):
    path = tmp_path / "pack.pdf"
    pack.render(real_content, None, lang, path)
    text = "".join(pdf_pages(path))
    for form in real_content.forms:
        assert_in_order([form.title.get(lang)] + [reading_key(q.label.get(lang), lang) for q in form.questions()], text)


def reading_key(label: str, lang: str) -> str:
    """What of a label keeps its order in extracted text: all of it, except in right-to-left scripts, where a
    text extractor may move digits, brackets and final punctuation; there the words before the first of them."""
    if not is_rtl(lang):
        return label
    lead = re.split(r"[0-9().:،؟?!\[\]«»\"]", label)[0].strip()
    return lead if len(lead.split()) >= 2 else label


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pack_embeds_the_font_of_its_script_and_no_other(small_pack, lang):
    embedded = set()
    for page in PdfReader(small_pack(lang)).pages:
        for font in page["/Resources"]["/Font"].values():
            embedded.add(str(font.get_object()["/BaseFont"]).split("+")[-1])  # less the subset tag
    allowed = [family.replace(" ", "-") for family in families(lang)]  # as WeasyPrint names them
    assert all(any(re.fullmatch(f"{name}(-Bold|-Italic|-BoldItalic)?", font) for name in allowed) for font in embedded), embedded
    assert allowed[0] in embedded, embedded


def test_contents_give_the_page_each_form_starts_on(small_content, small_pack):
    pages = pdf_pages(small_pack("en"))
    contents = next(page for page in pages if page.lstrip().startswith("Contents"))
    for form in small_content.forms:
        listed = re.search(re.escape(form.title.get("en")) + r"[ .]*(\d+)", contents)
        first_page = next(n for n, page in enumerate(pages, 1) if f"Form: {form.id} " in page)
        assert listed and int(listed.group(1)) == first_page, form.id


def test_every_page_after_the_cover_has_a_running_header_and_its_page_number(small_content, small_pack):
    pages = pdf_pages(small_pack("en"))
    titles = [form.title.get("en") for form in small_content.forms] + ["Contents", "The principles behind the Risk Assessment"]
    assert f"Page 1 / {len(pages)}" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} / {len(pages)}" in page
        assert any(page.lstrip().startswith(title) for title in titles), page[:80]


def test_conditional_questions_say_which_answer_leads_to_them(small_pack):
    text = comparable("".join(pdf_pages(small_pack("en"))))
    assert comparable("Answer only if your answer to question 1.2 was: Other.") in text  # risk: other_sources
    assert comparable("Answer only if your answer to question 1.4 was: Yes or Don't know.") in text  # risk: privacy
    assert comparable("Answer only if your answer to question 2.2 was: Proceed with changes.") in text  # workbook


def test_principles_are_the_risk_forms_groups_with_their_sections(small_content, small_pack):
    pages = pdf_pages(small_pack("en"))
    principles = next(page for page in pages if page.lstrip().startswith("The principles behind the Risk Assessment"))
    assert_in_order(["Human Autonomy", "Privacy", "Lawfulness", "Legitimacy"], principles)


def test_principles_come_after_the_readiness_form_just_before_the_risk_assessment(small_content, small_pack):
    pages = pdf_pages(small_pack("en"))
    starts = {form.id: next(n for n, page in enumerate(pages) if f"Form: {form.id} " in page) for form in small_content.forms}
    principles = next(n for n, page in enumerate(pages) if page.lstrip().startswith("The principles behind the Risk Assessment"))
    assert starts["readiness"] < principles < starts["risk"]
    contents = next(page for page in pages if page.lstrip().startswith("Contents"))
    assert_in_order([small_content.form("readiness").title.get("en"), "The principles behind", "Risk Assessment"], contents)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_cover_has_lines_for_the_agency_the_date_and_the_edition_and_dates_name_their_boxes(small_content, small_pack, lang):
    pages = pdf_pages(small_pack(lang))
    assert_in_order([small_content.text(key, lang) for key in ("agency_label", "date_label", "edition_label")], pages[0])
    names = [small_content.text(key, lang) for key in ("year_label", "month_label", "day_label")]
    assert any(all(name in page for name in names) for page in pages[1:])


def test_choices_are_printed_with_the_tick_instruction(small_pack):
    text = comparable("".join(pdf_pages(small_pack("en"))))
    assert comparable("Which data does it use? Tick all that apply. Camera footage Police records Other") in text
    assert comparable("What was decided? Tick one answer. Proceed Proceed with changes Stop") in text
    assert comparable("Number of staff 0 – 1000000") in text


def test_build_writes_the_pack_on_letter_paper_when_asked(tmp_path):
    result = CliRunner().invoke(
        main, ["build", "--content", str(SMALL), "--out", str(tmp_path), "--lang", "en", "--format", "pack", "--paper", "letter"]
    )
    assert result.exit_code == 0, result.output
    box = PdfReader(tmp_path / "en" / "pack.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_pack_is_a4_by_default(small_pack):
    box = PdfReader(small_pack("fr")).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_unknown_paper_size_is_refused(small_content, tmp_path):
    with pytest.raises(UsageError, match="unknown paper size 'a5'"):
        pack.render(small_content, None, "en", tmp_path / "pack.pdf", RenderOptions(paper="a5"))


def test_missing_font_stops_the_pack_with_a_message_naming_it_and_its_package(tmp_path):
    # A fontconfig setup with no font folders: as on a machine without fonts-noto-cjk.
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path) + "</cachedir></fontconfig>"
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    command = [str(Path(sys.executable).with_name("aitk-forms")), "build", "--content", str(SMALL), "--out", str(tmp_path)]
    run = subprocess.run([*command, "--format", "pack", "--lang", "zh"], capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "'Noto Sans CJK SC'" in run.stderr and "fonts-noto-cjk" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "zh").exists()
    script = (
        "from aitk_forms.load import load_content\nfrom aitk_forms.formats import pack\n"
        f"pack.render(load_content({str(SMALL)!r}), None, 'zh', {str(tmp_path / 'pack.pdf')!r})\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert run.returncode != 0
    assert "MissingDependency" in run.stderr and "'Noto Sans CJK SC'" in run.stderr and "fonts-noto-cjk" in run.stderr
    assert not (tmp_path / "pack.pdf").exists()
