"""Scoring rules, table by table: every method, partial answers, and the boundaries of each level."""

from __future__ import annotations

import pytest

from aitk_forms.scoring import round_half_up, score_form, visible_questions


def result(content, form_id, answers, key):
    card = score_form(content.form(form_id), answers)
    found = card.result(key)
    return found.score, (found.level.id if found.level else None), found.answered, found.expected


RISK_BASE = {"uses_personal_data": "yes"}


@pytest.mark.parametrize(
    "likelihood,severity,score,level",
    [
        ("1", "1", 1, "low"),
        ("2", "2", 4, "low"),  # top of low
        ("1", "5", 5, "medium"),  # bottom of medium
        ("3", "3", 9, "medium"),  # top of medium
        ("2", "5", 10, "high"),  # bottom of high
        ("4", "4", 16, "high"),  # top of high
        ("4", "5", 20, "extremely_high"),  # bottom of extremely high
        ("5", "5", 25, "extremely_high"),
    ],
)
def test_risk_is_likelihood_times_severity_mapped_to_the_four_levels(small_content, likelihood, severity, score, level):
    answers = {**RISK_BASE, "privacy_likelihood": likelihood, "privacy_severity": severity}
    assert result(small_content, "risk", answers, "privacy") == (score, level, 2, 2)


def test_risk_of_a_principle_waits_for_both_likelihood_and_severity(small_content):
    answers = {**RISK_BASE, "privacy_likelihood": "5"}
    assert result(small_content, "risk", answers, "privacy") == (None, None, 1, 2)


def test_overall_risk_is_the_highest_principle(small_content):
    answers = {
        **RISK_BASE,
        "privacy_likelihood": "2",
        "privacy_severity": "3",
        "legitimacy_likelihood": "5",
        "legitimacy_severity": "4",
    }
    assert result(small_content, "risk", answers, "overall") == (20, "extremely_high", 2, 2)


def test_overall_risk_is_provisional_while_a_principle_that_applies_is_unrated(small_content):
    answers = {**RISK_BASE, "privacy_likelihood": "2", "privacy_severity": "3"}
    assert result(small_content, "risk", answers, "overall") == (None, None, 1, 2)
    card = score_form(small_content.form("risk"), answers)
    assert card.provisional["overall"] == {"answered": 1, "needed": 2} and "overall" not in card.scores
    assert card.result("overall").bound == 6 and card.result("overall").bound_level.id == "medium"


def test_overall_risk_is_final_once_one_principle_reaches_the_top_level(small_content):
    answers = {**RISK_BASE, "privacy_likelihood": "5", "privacy_severity": "4"}
    assert result(small_content, "risk", answers, "overall") == (20, "extremely_high", 1, 2)


def test_a_principle_hidden_by_its_condition_is_not_scored(small_content):
    answers = {"uses_personal_data": "no", "privacy_likelihood": "5", "privacy_severity": "5"}
    assert result(small_content, "risk", answers, "privacy") == (None, None, 0, 0)
    assert "privacy_likelihood" not in visible_questions(small_content.form("risk"), answers)


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({"core_function": "yes"}, (1, "required")),
        (
            {"core_function": "no", "uses_personal_data": "no", "legitimacy_likelihood": "1", "legitimacy_severity": "2"},
            (0, "not_required"),
        ),
        (
            {"core_function": "no", "uses_personal_data": "no", "legitimacy_likelihood": "1", "legitimacy_severity": "5"},
            (1, "required"),
        ),
        ({"core_function": "dont_know"}, (1, "required")),  # precaution, until the question is resolved
        ({}, (None, None)),
        # One principle rated low, the questions answered "No": the other principle may still be high.
        (
            {"core_function": "no", "uses_personal_data": "yes", "legitimacy_likelihood": "1", "legitimacy_severity": "2"},
            (None, None),
        ),
    ],
)
def test_full_toolkit_applies_when_any_applicability_condition_holds(small_content, answers, expected):
    assert result(small_content, "risk", answers, "full_toolkit")[:2] == expected


@pytest.mark.parametrize(
    "answers,score,level",
    [
        ({"strategy": "0", "owner": "0"}, 0, "beginning"),
        ({"strategy": "1", "owner": "0"}, 0.5, "beginning"),
        ({"strategy": "1", "owner": "1"}, 1, "developing"),  # bottom of developing
        ({"strategy": "2", "owner": "1"}, 1.5, "developing"),
        ({"strategy": "2", "owner": "2"}, 2, "established"),
        ({"strategy": "3", "owner": "4"}, 3.5, "advanced"),
        ({"strategy": "4", "owner": "4"}, 4, "advanced"),  # top of advanced, inclusive
    ],
)
def test_readiness_dimension_is_the_mean_maturity(small_content, answers, score, level):
    assert result(small_content, "readiness", answers, "leadership")[:2] == (score, level)


def test_dont_know_leaves_a_mean_provisional_unless_the_rule_excludes_it(small_content):
    answers = {"strategy": "3", "owner": "dont_know"}
    assert result(small_content, "readiness", answers, "leadership") == (None, None, 1, 2)
    card = score_form(small_content.form("readiness"), answers)
    assert card.dont_know == ("owner",)
    assert "owner" in card.missing_required


def test_overall_readiness_is_the_mean_of_the_rounded_dimension_scores(small_content):
    answers = {"strategy": "3", "owner": "2", "data_policy": "1", "data_quality": "0"}
    assert result(small_content, "readiness", answers, "leadership")[0] == 2.5
    assert result(small_content, "readiness", answers, "data")[0] == 0.5
    assert result(small_content, "readiness", answers, "overall") == (1.5, "developing", 2, 2)


def test_a_readiness_form_with_no_answers_has_no_scores(small_content):
    card = score_form(small_content.form("readiness"), {})
    assert card.scores == {}
    assert card.answered == 0 and card.applicable == 7
    assert set(card.missing_required) == {"agency_name", "strategy", "owner"}


CHANGES = {"planning_need": "x", "planning_decision": "proceed_with_changes", "planning_date": "2026-01-05"}
CHANGES["planning_changes"] = "y"


@pytest.mark.parametrize(
    "answers,planning,level",
    [
        ({}, 0, "incomplete"),
        ({"planning_need": "A need"}, 33, "incomplete"),
        ({"planning_need": "A need", "planning_decision": "proceed"}, 67, "partial"),
        ({"planning_need": "x", "planning_decision": "proceed", "planning_date": "2026-01-05"}, 100, "complete"),
        # the decision opens two more questions, so the same three answers are no longer complete
        ({"planning_need": "x", "planning_decision": "proceed_with_changes", "planning_date": "2026-01-05"}, 60, "partial"),
        ({**CHANGES, "planning_review": "no"}, 100, "complete"),
        # a "yes" opens a question that depends on a conditional question
        ({**CHANGES, "planning_review": "yes"}, 83, "partial"),
        ({**CHANGES, "planning_review": "yes", "planning_review_date": "2026-01-09"}, 100, "complete"),
    ],
)
def test_workbook_stage_completeness_counts_only_the_questions_that_apply(small_content, answers, planning, level):
    assert result(small_content, "workbook", answers, "planning")[:2] == (planning, level)


def test_an_empty_multi_choice_is_unanswered_and_a_ticked_one_is_answered(small_content):
    assert result(small_content, "workbook", {"deployment_checklist": []}, "deployment")[0] == 0
    assert result(small_content, "workbook", {"deployment_checklist": ["training"]}, "deployment")[0] == 50


def test_overall_completeness_is_the_mean_of_stages(small_content):
    answers = {"planning_need": "x", "deployment_owner": "Unit 4", "deployment_checklist": ["audit_log"]}
    assert result(small_content, "workbook", answers, "overall") == (67, "partial", 2, 2)  # (33 + 100) / 2 = 66.5 -> 67


@pytest.mark.parametrize(
    "value,decimals,expected", [(2.675, 2, 2.68), (0.5, 0, 1), (1.5, 0, 2), (2.5, 0, 3), (66.5, 0, 67), (1 / 3, 2, 0.33)]
)
def test_rounding_is_half_away_from_zero_as_in_spreadsheets(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_a_question_whose_condition_rests_on_a_hidden_question_is_hidden_too(small_content):
    form = small_content.form("workbook")
    # planning_review is answered "yes", but its own condition (a decision with changes) is not met
    answers = {"planning_decision": "proceed", "planning_review": "yes", "planning_review_date": "2026-01-09"}
    shown = visible_questions(form, answers)
    assert "planning_review" not in shown and "planning_review_date" not in shown
