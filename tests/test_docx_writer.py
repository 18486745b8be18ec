"""Word forms of the bundled content through LibreOffice Writer: every answer a respondent types,
chooses or ticks survives two saves, because each control's bookmark fits Word's 40 characters."""

from __future__ import annotations

import datetime
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from aitk_forms.formats.docx import fill, render
from aitk_forms.formats.docx.read import SAFE_PARSER, answer_controls, bookmark_aliases, control_names
from aitk_forms.formats.docx.sdt import BOOKMARK_NAME_LIMIT, bookmark_name, w
from aitk_forms.importer import import_files
from aitk_forms.returns import read_response
from aitk_forms.scoring import visible_questions
from clients.writer_plan import MIXED, NATIVE, run_writer_batches, split_in_batches, typed_controls
from conftest import FORM_IDS, LANGUAGES, require_uno_python

CASES = [(form, lang) for form in FORM_IDS for lang in LANGUAGES]
# One Writer per core: a batch is one soffice filling its share of the forms one after another.
BATCHES = max(2, min(4, os.cpu_count() or 2))


def respondent_answers(form, lang: str) -> dict:
    """An answer to every question shown: the answer that shows a conditional question, choices in
    turn, at least three ticks in every checklist (one box left empty where there are four or more),
    a different date each time, and texts in the form's language and mixed scripts, every second one
    starting with "=" (which a spreadsheet would take for a formula)."""
    opens = {q.show_if.question: q.show_if.values[0] for q in form.questions() if q.show_if}
    answers: dict = {}
    for n, q in enumerate(form.questions(), 1):
        if q.id not in visible_questions(form, answers):
            continue
        if q.kind == "multi_choice":
            answers[q.id] = [c.id for i, c in enumerate(q.choices) if i % 3 != 2 or len(q.choices) < 4]
        elif q.has_choices:
            answers[q.id] = opens.get(q.id) or q.choices[n % len(q.choices)].id
        elif q.kind == "date":
            answers[q.id] = datetime.date(2024, 1 + n % 12, 1 + n % 28).isoformat()
        elif q.kind == "number":
            answers[q.id] = int(min(q.maximum if q.maximum is not None else 10_000, (q.minimum or 0) + n))
        else:
            lead = "=" if n % 2 == 0 else ""
            second_line = f"\n{MIXED}" if q.kind == "long_text" else f" — {MIXED}"
            answers[q.id] = f"{lead}{n} {NATIVE[lang]} ({form.id}, {lang}){second_line}"
    return answers


def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"), SAFE_PARSER)


def as_writer_leaves_it(source: Path, target: Path, cut) -> Path:
    """A copy of `source` with what Writer does to the controls' names: tags dropped, and each
    bookmark renamed by `cut` (Writer keeps the first 40 characters of a name)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for tag in list(root.iter(w("tag"))):
                    tag.getparent().remove(tag)
                for start in root.iter(w("bookmarkStart")):
                    start.set(w("name"), cut(start.get(w("name"))))
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            new.writestr(item, data)
    return target


# Bookmark names


def test_a_name_that_fits_in_40_characters_is_the_bookmark_itself():
    assert bookmark_name("ans_privacy_likelihood") == "ans_privacy_likelihood"
    assert bookmark_name("ans_" + "x" * 36) == "ans_" + "x" * 36


def test_longer_names_sharing_their_first_40_characters_get_different_bookmarks_of_40():
    first, second = bookmark_name("ans_" + "a" * 40 + "__one"), bookmark_name("ans_" + "a" * 40 + "__two")
    assert first != second and len(first) == len(second) == BOOKMARK_NAME_LIMIT
    assert first.startswith("ans_aaa") and first.replace("_", "").isalnum()


def test_a_cut_name_that_two_long_names_share_is_not_guessed():
    names = ["ans_" + "a" * 40 + "__one", "ans_" + "a" * 40 + "__two", "ans_" + "b" * 40 + "__one"]
    aliases = bookmark_aliases(names)
    assert ("ans_" + "a" * 36) not in aliases
    assert aliases["ans_" + "b" * 36] == names[2]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_bookmark_of_the_bundled_forms_fits_in_40_characters_and_names_one_control(real_content, tmp_path, form_id):
    form = real_content.form(form_id)
    path = tmp_path / f"{form_id}.docx"
    render(real_content, form, "en", path)
    names = [b.get(w("name")) for b in document_xml(path).iter(w("bookmarkStart")) if b.get(w("name")).startswith("ans_")]
    assert len(names) == len(set(names)) == len(control_names(form))
    assert max(len(name) for name in names) <= BOOKMARK_NAME_LIMIT
    untagged = as_writer_leaves_it(path, tmp_path / "untagged.docx", lambda name: name)
    assert set(answer_controls(document_xml(untagged), control_names(form))) == set(control_names(form))


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_form_made_before_names_were_shortened_reads_back_after_writer_cut_its_bookmarks(real_content, tmp_path, lang):
    # Forms with names longer than 40 characters were made from content 1.0 (kept in the history), before the
    # names were shortened; later items would collide once cut to 40, but no such form has them.
    form = real_content.form_version("workbook", "1.0")
    answers = respondent_answers(form, lang)
    render(real_content, form, lang, tmp_path / "blank.docx")
    fill(real_content, form, lang, tmp_path / "blank.docx", tmp_path / "filled.docx", answers)
    full_names = bookmark_aliases(control_names(form))  # the names these forms once had in full
    assert any(len(name) > BOOKMARK_NAME_LIMIT for name in full_names.values())
    cut_to_40 = lambda name: full_names.get(name, name)[:BOOKMARK_NAME_LIMIT]  # noqa: E731
    response = read_response(as_writer_leaves_it(tmp_path / "filled.docx", tmp_path / "cut.docx", cut_to_40), real_content)
    assert [p.code for p in response.problems] == ["older"]  # accepted, with a warning naming its version
    assert response.answers == answers


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_the_respondent_answers_every_control_with_three_ticks_per_checklist_and_text_starting_with_equals(real_content, form_id):
    form = real_content.form(form_id)
    answers = respondent_answers(form, "en")
    assert set(answers) == {q.id for q in form.questions()}  # the conditions are met: every question is shown
    assert all(len(answers[q.id]) >= min(3, len(q.choices)) for q in form.questions() if q.kind == "multi_choice")
    assert any(str(v).startswith("=") for v in answers.values())
    assert len(typed_controls(form, "en", answers)) == sum(len(v) if isinstance(v, list) else 1 for v in answers.values())


# Filled in Writer and saved twice: every form of the bundled content in every language


@pytest.fixture(scope="module")
def writer_round_trips(real_content, tmp_path_factory):
    """Every form in every language filled in Writer, saved as .docx, opened and saved again: in
    parallel batches, one soffice with its own profile for each."""
    python = require_uno_python()
    folder = tmp_path_factory.mktemp("writer-bundled")
    chains, expected = [], {}
    for form_id, lang in CASES:
        form = real_content.form(form_id)
        blank, filled, again = (folder / f"{form_id}-{lang}-{stage}.docx" for stage in ("blank", "filled", "again"))
        render(real_content, form, lang, blank)
        expected[form_id, lang] = respondent_answers(form, lang)
        typed = typed_controls(form, lang, expected[form_id, lang])
        # The second job opens what the first saved and saves it again, untouched.
        chains.append(
            [{"source": str(blank), "target": str(filled), "fill": typed}, {"source": str(filled), "target": str(again)}]
        )
    run_writer_batches(python, split_in_batches(chains, BATCHES), folder)
    return folder, expected


def differences(expected: dict, found: dict) -> list[str]:
    """Each question whose answer was read otherwise than typed."""
    ids = sorted(expected.keys() | found.keys())
    return [f"{qid}: {expected.get(qid)!r} read as {found.get(qid)!r}" for qid in ids if expected.get(qid) != found.get(qid)]


@pytest.mark.client
def test_every_answer_typed_in_writer_into_every_bundled_form_survives_two_saves(real_content, writer_round_trips):
    folder, expected = writer_round_trips
    wrong = []
    for (form_id, lang), answers in expected.items():
        for stage in ("filled", "again"):
            response = read_response(folder / f"{form_id}-{lang}-{stage}.docx", real_content)
            found = differences(answers, response.answers) + [p.message for p in response.problems]
            wrong += [f"{form_id}-{lang}-{stage}: {line}" for line in found[:5]]
    assert not wrong, "\n".join(wrong)
    # One test for both checks: under xdist a second test could run the Writer matrix again elsewhere.
    result = import_files(real_content, [folder / f"{form_id}-{lang}-again.docx" for form_id, lang in CASES])
    assert [(Path(f.path).name, f.status, f.reason) for f in result.files if f.status != "accepted"] == []
    for file in result.files:
        assert file.answers == expected[file.form, file.lang], file.path
    assert sorted((f.form, f.lang) for f in result.files) == sorted(CASES)
