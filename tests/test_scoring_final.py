"""Verdicts only from enough evidence: when a result is final, provisional, or final with a finding.

Table-driven over every method, on the fixture content with a severity floor and "Don't know" excluded
from the readiness means (a copy of tests/content/small with those two rules added)."""

from __future__ import annotations

import shutil

import pytest

from aitk_forms.load import load_content
from aitk_forms.scoring import NOT_ENOUGH_KNOWLEDGE, UNTIL_RESOLVED, score_form
from conftest import SMALL


@pytest.fixture(scope="module")
def ruled(tmp_path_factory):
    """The fixture content with floors on severity 4 (medium) and 5 (high), and "Don't know" excluded from
    the leadership mean."""
    root = tmp_path_factory.mktemp("ruled") / "content"
    shutil.copytree(SMALL, root)
    risk = (root / "risk.yaml").read_text()
    risk = risk.replace('{id: "4", value: 4, label: Major}', '{id: "4", value: 4, label: Major, floor: medium}')
    risk = risk.replace('{id: "5", value: 5, label: Severe}', '{id: "5", value: 5, label: Severe, floor: high}')
    (root / "risk.yaml").write_text(risk)
    readiness = (root / "readiness.yaml").read_text()
    old = "{key: leadership, label: Leadership, method: mean, section: leadership, levels: readiness}"
    assert old in readiness and "floor: high" in risk
    (root / "readiness.yaml").write_text(readiness.replace(old, old[:-1] + ", dont_know: excluded}"))
    return load_content(root)


def outcome(content, form_id: str, answers: dict, key: str) -> tuple:
    """(final, score, level id, answered, needed, finding) of one result."""
    r = score_form(content.form(form_id), answers).result(key)
    return r.final, r.score, r.level.id if r.level else None, r.answered, r.expected, r.finding


PRIVACY = {"uses_personal_data": "yes"}


@pytest.mark.parametrize(
    "likelihood,severity,expected",
    [
        ("1", "3", (True, 3, "low", 2, 2, None)),  # no floor at severity 3
        ("1", "4", (True, 4, "medium", 2, 2, None)),  # 4 is low by score, raised to medium by the floor
        ("1", "5", (True, 5, "high", 2, 2, None)),  # 5 is medium by score, raised to high; the score stays 5
        ("4", "5", (True, 20, "extremely_high", 2, 2, None)),  # the floor never lowers a level
        ("dont_know", "5", (False, None, None, 1, 2, None)),  # a principle needs both ratings
    ],
)
def test_a_severity_floor_raises_the_level_not_the_score(ruled, likelihood, severity, expected):
    answers = {**PRIVACY, "privacy_likelihood": likelihood, "privacy_severity": severity}
    assert outcome(ruled, "risk", answers, "privacy") == expected


@pytest.mark.parametrize(
    "answers,expected",
    [
        # One principle rated, the other applies and is unrated: a lower bound, no verdict.
        ({**PRIVACY, "privacy_likelihood": "2", "privacy_severity": "2"}, (False, None, None, 1, 2, None)),
        # The top level is reached: nothing unanswered can change it.
        ({**PRIVACY, "privacy_likelihood": "5", "privacy_severity": "5"}, (True, 25, "extremely_high", 1, 2, None)),
        # Both rated: the highest product is the score, the highest (floored) level is the level.
        (
            {
                **PRIVACY,
                "privacy_likelihood": "1",
                "privacy_severity": "5",
                "legitimacy_likelihood": "3",
                "legitimacy_severity": "3",
            },
            (True, 9, "high", 2, 2, None),
        ),
        # The other principle is hidden (no personal data): one rating decides.
        ({"uses_personal_data": "no", "legitimacy_likelihood": "1", "legitimacy_severity": "2"}, (True, 2, "low", 2, 2, None)),
    ],
)
def test_the_overall_risk_is_final_when_every_principle_is_known_or_the_top_is_reached(ruled, answers, expected):
    assert outcome(ruled, "risk", answers, "overall") == expected


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({"core_function": "yes"}, (True, 1, "required", 1, 2, None)),
        # "Don't know" cannot conclude "not required": precaution first, until the question is resolved.
        ({"core_function": "dont_know"}, (True, 1, "required", 0, 2, UNTIL_RESOLVED)),
        # No to the questions, one principle low, the other unrated: the verdict waits.
        (
            {"core_function": "no", **PRIVACY, "legitimacy_likelihood": "1", "legitimacy_severity": "2"},
            (False, None, None, 1, 2, None),
        ),
        # No to the questions and the provisional highest risk already at least medium: required already.
        (
            {"core_function": "no", **PRIVACY, "privacy_likelihood": "3", "privacy_severity": "3"},
            (True, 1, "required", 2, 2, None),
        ),
        # Everything known and low: not required.
        (
            {"core_function": "no", "uses_personal_data": "no", "legitimacy_likelihood": "1", "legitimacy_severity": "2"},
            (True, 0, "not_required", 2, 2, None),
        ),
    ],
)
def test_the_full_toolkit_verdict_needs_every_condition_known_to_say_no(ruled, answers, expected):
    assert outcome(ruled, "risk", answers, "full_toolkit") == expected


@pytest.mark.parametrize(
    "answers,expected",
    [
        ({"strategy": "3"}, (False, None, None, 1, 2, None)),  # one statement answered: no verdict
        ({"strategy": "3", "owner": "dont_know"}, (True, 3, "advanced", 2, 2, None)),  # an honest "Don't know" is not scored
        ({"strategy": "dont_know", "owner": "dont_know"}, (True, None, None, 2, 2, NOT_ENOUGH_KNOWLEDGE)),
        ({"strategy": "1", "owner": "2"}, (True, 1.5, "developing", 2, 2, None)),
    ],
)
def test_a_readiness_mean_needs_every_statement_answered_and_dont_know_can_be_excluded(ruled, answers, expected):
    assert outcome(ruled, "readiness", answers, "leadership") == expected


def test_overall_readiness_waits_for_every_dimension_and_carries_a_lack_of_knowledge(ruled):
    one = {"strategy": "3"}
    assert outcome(ruled, "readiness", one, "overall")[:3] == (False, None, None)
    unknown = {"strategy": "dont_know", "owner": "dont_know", "data_policy": "2", "data_quality": "2"}
    assert outcome(ruled, "readiness", unknown, "overall") == (True, None, None, 2, 2, NOT_ENOUGH_KNOWLEDGE)
    full = {"strategy": "3", "owner": "2", "data_policy": "1", "data_quality": "0"}
    assert outcome(ruled, "readiness", full, "overall") == (True, 1.5, "developing", 2, 2, None)


def test_completeness_describes_the_record_as_it_is_and_is_always_final(ruled):
    card = score_form(ruled.form("workbook"), {})
    assert all(r.final for r in card.results)
    assert card.provisional == {}


def test_the_scorecard_lists_provisional_results_with_what_they_need_and_keeps_their_scores_out(ruled):
    card = score_form(ruled.form("risk"), {**PRIVACY, "privacy_likelihood": "2"})
    assert card.provisional["privacy"] == {"answered": 1, "needed": 2}
    assert card.provisional["overall"] == {"answered": 0, "needed": 2}
    assert "privacy" not in card.scores and "overall" not in card.scores
    assert card.findings == {}


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    """The fixture content where whole parts can be hidden: the data dimension asks only at strategy 4, and
    legitimacy only when personal data is used."""
    root = tmp_path_factory.mktemp("hidden") / "content"
    shutil.copytree(SMALL, root)
    readiness = (root / "readiness.yaml").read_text()
    for qid in ("data_policy", "data_quality"):
        old = f"{{id: {qid}, kind: scale, scale: maturity,"
        assert old in readiness
        readiness = readiness.replace(
            old, f"{{id: {qid}, kind: scale, scale: maturity, show_if: {{question: strategy, in: ['4']}},"
        )
    (root / "readiness.yaml").write_text(readiness)
    risk = (root / "risk.yaml").read_text()
    for qid in ("legitimacy_likelihood", "legitimacy_severity"):
        old = f"{{id: {qid}, kind: scale,"
        assert old in risk
        risk = risk.replace(old, f"{{id: {qid}, show_if: {{question: uses_personal_data, in: ['yes']}}, kind: scale,")
    (root / "risk.yaml").write_text(risk)
    return load_content(root)


def test_a_mean_whose_questions_are_all_hidden_is_final_without_a_score(hidden):
    answers = {"strategy": "3", "owner": "3"}
    assert outcome(hidden, "readiness", answers, "data") == (True, None, None, 0, 0, None)
    assert outcome(hidden, "readiness", answers, "overall") == (True, 3, "advanced", 2, 2, None)


def test_nothing_to_rate_is_no_risk_so_the_full_toolkit_verdict_can_be_no(hidden):
    answers = {"core_function": "no", "uses_personal_data": "no"}
    assert outcome(hidden, "risk", answers, "overall") == (True, None, None, 2, 2, None)
    assert outcome(hidden, "risk", answers, "full_toolkit") == (True, 0, "not_required", 2, 2, None)


def test_a_heat_map_cell_takes_the_level_its_severity_floor_gives(ruled):
    from aitk_forms.scoring import floored_level

    form = ruled.form("risk")
    rule = form.result("privacy")
    rare = form.question("privacy_likelihood").choice("1")
    severe, moderate = (form.question("privacy_severity").choice(v) for v in ("5", "3"))
    assert floored_level(form, rule, 5, (rare, severe)).id == "high"  # 5 is medium by score
    assert floored_level(form, rule, 3, (rare, moderate)).id == "low"
