"""Wording shared by the outputs: numbering, and conditions joined as each language joins alternatives."""

from __future__ import annotations

import pytest

from aitk_forms.wording import colon, condition_instruction, question_numbers


def test_questions_are_numbered_by_section_and_position(small_content):
    numbers = question_numbers(small_content.form("risk"))
    assert numbers["use_case_name"] == "1.1"
    assert numbers["core_function"] == "2.1"
    assert numbers["legitimacy_safeguards"] == "4.3"


@pytest.mark.parametrize("lang,joined", [("en", " or "), ("fr", " ou "), ("ar", " أو "), ("zh", "或")])
def test_a_condition_names_its_question_and_answers_in_the_form_language(small_content, lang, joined):
    form = small_content.form("risk")
    question = form.question("privacy_likelihood")  # shown if uses_personal_data is yes or don't know
    text = condition_instruction(small_content, form, question, lang, question_numbers(form))
    yes, dont_know = (form.question("uses_personal_data").choice(c).label.get(lang) for c in ("yes", "dont_know"))
    assert "1.4" in text
    assert f"{yes}{joined}{dont_know}" in text


def test_a_question_without_condition_has_no_instruction(small_content):
    form = small_content.form("risk")
    assert condition_instruction(small_content, form, form.question("use_case_name"), "en", question_numbers(form)) is None


@pytest.mark.parametrize("lang,expected", [("en", ": "), ("fr", "\u00a0: "), ("zh", "："), ("ar", ": ")])
def test_a_label_is_followed_by_the_colon_its_language_uses(lang, expected):
    assert colon(lang) == expected
