"""The printed pack's scoring guide: with it a trainer scores a completed form on paper, in every language,
and reaches the levels scoring.py gives (the matrix cells are held equal to it, floors included)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aitk_forms.bands import band_words, level_bands
from aitk_forms.formats import pack
from aitk_forms.formats.pack.render import pack_html
from aitk_forms.load import load_content
from aitk_forms.model import Content, Form, ResultRule
from aitk_forms.scoring import NOT_ENOUGH_KNOWLEDGE, score_form
from aitk_forms.wording import question_numbers
from conftest import LANGUAGES, SMALL, require_client
from test_pack import assert_in_order, comparable, pdf_pages


@pytest.fixture(scope="session")
def real_pack(real_content, tmp_path_factory):
    """The bundled content's pack in a language, rendered at most once per session: (path, text of each page)."""
    made: dict[str, tuple[Path, list[str]]] = {}

    def of(lang: str) -> tuple[Path, list[str]]:
        if lang not in made:
            path = tmp_path_factory.mktemp("guide") / f"pack-{lang}.pdf"
            pack.render(real_content, None, lang, path)
            made[lang] = (path, pdf_pages(path))
        return made[lang]

    return of


@pytest.fixture(scope="session")
def floored_content(tmp_path_factory) -> Content:
    """The small content with severity floors (Major: at least medium, Severe: at least high) and a principle
    whose severity is the higher of two questions."""
    root = tmp_path_factory.mktemp("floored") / "content"
    shutil.copytree(SMALL, root)
    risk = root / "risk.yaml"
    text = risk.read_text(encoding="utf-8")
    replacements = {
        "label: Major}": "label: Major, floor: medium}",
        "label: Severe}": "label: Severe, floor: high}",
        "      - {id: legitimacy_safeguards,": (
            "      - {id: legitimacy_severity_groups, kind: scale, scale: severity, label: 'How severe for groups?'}\n"
            "      - {id: legitimacy_safeguards,"
        ),
        "questions: [legitimacy_likelihood, legitimacy_severity]": (
            "questions: [legitimacy_likelihood, {higher_of: [legitimacy_severity, legitimacy_severity_groups]}]"
        ),
    }
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    risk.write_text(text, encoding="utf-8")
    return load_content(root)


def guide_text(content: Content, pages: list[str], form: Form, lang: str) -> str:
    """The text of a form's scoring guide (comparable): the n-th guide of the book for the n-th form, up to where
    the next form ("How to fill in this form") or the principles begin."""
    text = comparable("".join(pages[1:]))
    intro = comparable(content.text("guide_intro", lang))
    start = -1
    for _ in range(content.forms.index(form) + 1):
        start = text.find(intro, start + 1)
        assert start >= 0, f"no scoring guide for the form {form.id}"
    ends = [comparable(content.text(key, lang)) for key in ("how_to_fill_title", "principles_title")]
    found = [at for end in ends if (at := text.find(end, start)) >= 0]
    return text[start : min(found, default=len(text))]


class MatrixReader(HTMLParser):
    """The matrices of a pack's HTML: column values, and per row its value and each cell's score and written level."""

    def __init__(self) -> None:
        super().__init__()
        self.matrices: list[dict] = []
        self.part: str | None = None  # the span being read: point-value, cell-score, cell-level, caption
        self.section: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and "matrix" in classes:
            self.matrices.append({"caption": "", "columns": [], "rows": []})
            self.section = "table"
        elif self.section is None:
            return
        elif tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.matrices[-1]["rows"].append({"value": None, "cells": []})
        elif tag == "td" and self.section == "tbody":
            self.matrices[-1]["rows"][-1]["cells"].append({"score": "", "level": ""})
        elif tag in ("span", "caption"):
            self.part = tag if tag == "caption" else next((c for c in classes if c.startswith(("point-", "cell-"))), None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.section = None
        if tag in ("span", "caption"):
            self.part = None

    def handle_data(self, data: str) -> None:
        if not self.matrices or self.part is None:
            return
        matrix = self.matrices[-1]
        if self.part == "caption":
            matrix["caption"] += data
        elif self.part == "point-value" and self.section == "thead":
            matrix["columns"].append(float(data))
        elif self.part == "point-value":
            matrix["rows"][-1]["value"] = float(data)
        elif self.part == "cell-score":
            matrix["rows"][-1]["cells"][-1]["score"] += data
        elif self.part == "cell-level":
            matrix["rows"][-1]["cells"][-1]["level"] += data


def matrices_of(content: Content, lang: str) -> list[dict]:
    reader = MatrixReader()
    reader.feed(pack_html(content, lang, "a4", ("Noto Sans",)))
    return reader.matrices


def answers_for(form: Form, rule: ResultRule, values: tuple[float, float]) -> dict[str, str]:
    """Answers giving each factor of a two-factor product its value (both questions of a "higher of" factor),
    with whatever shows those questions."""
    answers: dict[str, str] = {}
    factors = rule.factors or tuple((q,) for q in rule.questions)
    for factor, value in zip(factors, values, strict=True):
        for qid in factor:
            q = form.question(qid)
            answers[qid] = next(c.id for c in q.choices if c.value == value)
            while q.show_if is not None and q.show_if.question not in answers:
                answers[q.show_if.question] = q.show_if.values[0]
                q = form.question(q.show_if.question)
    return answers


def test_bands_read_as_ranges_a_person_can_use(real_content, floored_content):
    def words(form_id: str, set_name: str, content: Content = real_content) -> dict[str, str]:
        bands = level_bands(content.form(form_id), set_name)
        return {key: band_words(band, "from {low} to {high}", "from {low} to under {below}") for key, band in bands.items()}

    assert words("readiness", "readiness")["developing"] == "from 1 to under 2"
    assert words("risk", "risk") == {
        "low": "from 1 to 4",
        "medium": "from 5 to 9",
        "high": "from 10 to 16",
        "extremely_high": "from 20 to 25",
    }
    # A "higher of" factor is one factor: likelihood × the higher severity still reaches 20 – 25 at most.
    assert words("risk", "risk", floored_content)["extremely_high"] == "from 20 to 25"
    assert words("risk", "risk", floored_content)["high"] == "from 10 to 16"
    assert words("workbook", "completeness")["complete"] == "100"
    assert set(words("risk", "applicability").values()) == {""}  # a verdict has no numbers


@pytest.mark.parametrize("content_fixture", ["real_content", "floored_content"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_matrix_cell_writes_the_level_scoring_gives_that_pair_of_answers(request, content_fixture, lang):
    content = request.getfixturevalue(content_fixture)
    form = content.form("risk")
    matrices = matrices_of(content, lang)
    assert matrices
    products = [r for r in form.results if r.method == "product"]
    for rule in products:
        label = rule.label.get(lang)
        matrix = matrices[0] if len(matrices) == 1 else next(m for m in matrices if label in m["caption"])
        assert len(matrix["rows"]) * len(matrix["columns"]) == 25, rule.key
        for row in matrix["rows"]:
            for column, cell in zip(matrix["columns"], row["cells"], strict=True):
                result = score_form(form, answers_for(form, rule, (column, row["value"]))).result(rule.key)
                assert cell["score"] == str(int(result.score)), (rule.key, column, row["value"])
                assert cell["level"].replace("\xa0*", "") == result.level.label.get(lang), (rule.key, column, row["value"])


def test_floors_raise_the_written_level_and_are_marked(floored_content):
    (matrix,) = matrices_of(floored_content, "en")
    columns = matrix["columns"]
    cells = {(column, row["value"]): cell for row in matrix["rows"] for column, cell in zip(columns, row["cells"], strict=True)}
    assert cells[(1.0, 5.0)] == {"score": "5", "level": "High\xa0*"}  # 1 × 5 = 5 is medium by score, severe is at least high
    assert cells[(1.0, 4.0)] == {"score": "4", "level": "Medium\xa0*"}
    assert cells[(5.0, 4.0)] == {"score": "20", "level": "Extremely high"}  # above its floor: not raised
    assert cells[(1.0, 3.0)] == {"score": "3", "level": "Low"}
    html = comparable(pack_html(floored_content, "en", "a4", ("Noto Sans",)))
    note = "* The level is raised to the lowest level that this answer allows: Major: at least Medium; Severe: at least High."
    assert comparable(note) in html


def test_a_principle_scored_from_two_questions_says_to_take_the_higher(floored_content):
    form = floored_content.form("risk")
    numbers = question_numbers(form)
    html = comparable(pack_html(floored_content, "en", "a4", ("Noto Sans",)))
    first, second = numbers["legitimacy_severity"], numbers["legitimacy_severity_groups"]
    assert comparable(f"Questions {first} and {second}: take the higher of the two") in html
    assert comparable(f"Question {numbers['privacy_severity']}<") in html  # a single question is named alone


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_form_has_its_guide_with_every_level_label_and_the_cover_the_introduction(real_content, real_pack, lang):
    _, pages = real_pack(lang)
    cover = comparable(pages[0])  # the introduction (the recommended order) keeps the cover on one page
    assert comparable(real_content.text("pathway", lang)) in cover
    assert comparable(real_content.text("source_note_title", lang)) in cover
    title = comparable(real_content.text("contents_title", lang))
    contents = comparable("".join(page for page in pages[:4] if title in comparable(page)))
    assert contents.count(comparable(real_content.text("guide_title", lang))) == len(real_content.forms)
    for form in real_content.forms:
        text = guide_text(real_content, pages, form, lang)
        assert comparable(real_content.text("guide_tally_title", lang)) in comparable(text), form.id
        labels = [level.label.get(lang) for _, levels in form.levels for level in levels]
        missing = [label for label in labels if comparable(label) not in comparable(text)]
        assert missing == [], (form.id, missing)
        if any(r.dont_know == "excluded" for r in form.results):  # the finding that stands in for a level
            assert comparable(real_content.text(NOT_ENOUGH_KNOWLEDGE, lang)) in comparable(text)


def test_guides_follow_their_forms_and_the_cover_gives_the_recommended_order(real_content, real_pack):
    _, pages = real_pack("en")
    text = "".join(pages[1:])
    order = []
    for form in real_content.forms:
        order += [f"Form: {form.id} ", list(form.questions())[-1].label.get("en"), "Scoring guide", "Tally sheet"]
        order += ["Levels and what to do next"]
    assert_in_order(order, text)
    assert_in_order([real_content.text("pathway_title", "en"), real_content.text("pathway", "en")], pages[0])


def test_the_guides_rules_follow_the_content(real_content, real_pack):
    """Each rule sentence appears where the content's rules call for it: "Don't know" answered but not scored,
    "Not applicable" left out, checklists counted by share, the overall risk the highest level, and each
    applicability condition with the question it reads."""
    _, pages = real_pack("en")
    ui = {key: real_content.text(key, "en") for key, _ in real_content.ui}
    readiness = comparable(guide_text(real_content, pages, real_content.form("readiness"), "en"))
    assert comparable(ui["guide_dont_know_excluded"].format(dont_know="Don't know", finding="Not enough knowledge")) in readiness
    assert comparable(ui["guide_not_applicable_how"].format(not_applicable="Not applicable")) in readiness
    for column in ("Sum of the values", "Answers scored", "Number of “Don't know”", "Number of “Not applicable”", "Mean"):
        assert comparable(column) in readiness
    workbook = real_content.form("workbook")
    assert any(q.checklist for q in workbook.questions())
    assert comparable(ui["guide_checklist_how"]) in comparable(guide_text(real_content, pages, workbook, "en"))
    risk = real_content.form("risk")
    text = comparable(guide_text(real_content, pages, risk, "en"))
    overall = risk.result("overall")
    assert comparable(ui["guide_max_results"].format(result=overall.label.get("en"), count=len(overall.results))) in text
    numbers = question_numbers(risk)
    for condition in risk.result("full_toolkit").conditions:
        if condition.question:
            assert comparable(f"Question {numbers[condition.question]} is answered") in text
    assert comparable(ui["guide_dont_know_holds"].format(dont_know="Don't know")) in text


def matrix_words(path: Path, lang: str, content: Content) -> tuple[list[tuple[float, float, str]], int]:
    """The words of the page holding the matrix, as (x, y, text), and that page's number."""
    pages = pdf_pages(path)
    title = comparable(content.text("guide_matrix_title", lang))
    number = next(n for n, page in enumerate(pages, 1) if title in comparable(page))
    command = [require_client("pdftotext"), "-bbox", "-f", str(number), "-l", str(number), str(path), "-"]
    out = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', out)
    return [(float(x), float(y), word) for x, y, word in words], number


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_matrix_runs_as_the_page_is_read_lowest_likelihood_first_highest_severity_on_top(real_content, real_pack, lang):
    path, _ = real_pack(lang)
    words, _ = matrix_words(path, lang, real_content)
    digits = [(x, y, w) for x, y, w in words if w in ("1", "2", "3", "4", "5")]
    # The column headings: the highest line holding each of 1 to 5.
    header_y = min(y for _, y, _ in digits if {w for _, y2, w in digits if abs(y2 - y) < 1} >= {"1", "2", "3", "4", "5"})
    header = {w: x for x, y, w in digits if abs(y - header_y) < 1}
    xs = [header[d] for d in "12345"]
    assert xs == (sorted(xs) if lang == "en" else sorted(xs, reverse=True)), header
    (x25, y25, _) = next(word for word in words if word[2] == "25")
    assert min(header, key=lambda d: abs(header[d] - x25)) == "5"  # 5 × 5 under the column of 5
    low_cells = [y for x, y, w in words if w == "1" and y > header_y + 1 and abs(x - header["1"]) < 30]
    assert low_cells and y25 < max(low_cells)  # severity 5 on top, 1 × 1 at the bottom
