"""The three-valued rules, case by case, held equal between scoring.py and the workbook's live formulas
as LibreOffice recalculates them: a severity floor, the highest risk final at the top level or provisional
with a lower bound, `any` by precaution and decided by a bound, a mean with "Don't know" excluded (and
not enough knowledge), completeness.

Each case states what scoring.py must say of one result; the workbook filled with the same answers must
then show exactly what scoring.py says of every result (score, level and status cells).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from aitk_forms.formats import xlsx
from aitk_forms.load import load_content
from aitk_forms.scoring import Result, score_form
from conftest import SMALL
from live_results import differences, expected_cells, fill_job, recalculate

# The small fixture with a severity floor (4: at least medium, 5: at least high) and a readiness
# dimension whose "Don't know" answers count as answered but not scored.
VARIANT_EDITS = {
    "risk.yaml": [
        ('{id: "4", value: 4, label: Major}', '{id: "4", value: 4, label: Major, floor: medium}'),
        ('{id: "5", value: 5, label: Severe}', '{id: "5", value: 5, label: Severe, floor: high}'),
    ],
    "readiness.yaml": [
        (
            "{key: leadership, label: Leadership, method: mean, section: leadership, levels: readiness}",
            "{key: leadership, label: Leadership, method: mean, section: leadership, levels: readiness, dont_know: excluded}",
        )
    ],
}
# The small fixture where whole parts can be hidden: the data dimension asks only at strategy 4, legitimacy
# only when personal data is used.
HIDDEN_EDITS = {
    "readiness.yaml": [
        (
            f"{{id: {qid}, kind: scale, scale: maturity,",
            f"{{id: {qid}, kind: scale, scale: maturity, show_if: {{question: strategy, in: ['4']}},",
        )
        for qid in ("data_policy", "data_quality")
    ],
    "risk.yaml": [
        (f"{{id: {qid}, kind: scale,", f"{{id: {qid}, show_if: {{question: uses_personal_data, in: ['yes']}}, kind: scale,")
        for qid in ("legitimacy_likelihood", "legitimacy_severity")
    ],
}
# The floors variant plus what content 1.1 brought: a readiness item that offers "Not applicable", a workbook
# checklist scored as the share of its items ticked, and a principle whose severity is the higher of two.
V11_EDITS = {
    "readiness.yaml": [
        *VARIANT_EDITS["readiness.yaml"],
        (
            '{id: data_quality, kind: scale, scale: maturity, label: "Is data quality checked?"}',
            '{id: data_quality, kind: scale, scale: maturity, label: "Is data quality checked?", not_applicable: true}',
        ),
    ],
    "risk.yaml": [
        *VARIANT_EDITS["risk.yaml"],
        (
            '      - {id: legitimacy_safeguards, kind: long_text, label: "Which safeguards exist?"}',
            '      - {id: legitimacy_environment_severity, kind: scale, scale: severity, label: "How severe for the'
            ' environment?", required: true}\n'
            '      - {id: legitimacy_safeguards, kind: long_text, label: "Which safeguards exist?"}',
        ),
        (
            "questions: [legitimacy_likelihood, legitimacy_severity]",
            "questions: [legitimacy_likelihood, {higher_of: [legitimacy_severity, legitimacy_environment_severity]}]",
        ),
    ],
    "workbook.yaml": [("      - id: deployment_checklist\n", "      - id: deployment_checklist\n        checklist: true\n")],
}
FINAL = "final"  # final with a level and no finding


@dataclass(frozen=True)
class Case:
    name: str
    content: str  # "small", "floors" or "hidden"
    form: str
    lang: str
    answers: dict
    key: str
    expected: tuple  # (score, level id, FINAL | "provisional answered/needed" | finding | "not applicable")


PERSONAL = {"uses_personal_data": "yes"}
CASES = [
    # product, with the severity floor
    Case(
        "floor_lifts_a_medium_score_to_high",
        "floors",
        "risk",
        "fr",
        {**PERSONAL, "privacy_likelihood": "1", "privacy_severity": "5"},
        "privacy",
        (5, "high", FINAL),
    ),
    Case(
        "floor_lifts_a_low_score_to_medium",
        "floors",
        "risk",
        "en",
        {**PERSONAL, "privacy_likelihood": "1", "privacy_severity": "4"},
        "privacy",
        (4, "medium", FINAL),
    ),
    Case(
        "floor_below_the_score_band_changes_nothing",
        "floors",
        "risk",
        "en",
        {**PERSONAL, "privacy_likelihood": "5", "privacy_severity": "5"},
        "privacy",
        (25, "extremely_high", FINAL),
    ),
    Case(
        "product_waits_for_both_inputs",
        "floors",
        "risk",
        "en",
        {**PERSONAL, "privacy_severity": "5"},
        "privacy",
        (None, None, "provisional 1/2"),
    ),
    Case(
        "product_of_hidden_inputs_is_final_without_score",
        "small",
        "risk",
        "ru",
        {"uses_personal_data": "no", "privacy_likelihood": "5"},
        "privacy",
        (None, None, "not applicable"),
    ),
    # the highest risk: provisional with a lower bound, or final at the top level
    Case(
        "overall_is_provisional_while_a_principle_is_unrated",
        "small",
        "risk",
        "en",
        {**PERSONAL, "privacy_likelihood": "2", "privacy_severity": "3"},
        "overall",
        (None, None, "provisional 1/2"),
    ),
    Case(
        "overall_is_final_at_the_top_level_with_a_principle_unrated",
        "small",
        "risk",
        "zh",
        {**PERSONAL, "privacy_likelihood": "5", "privacy_severity": "4"},
        "overall",
        (20, "extremely_high", FINAL),
    ),
    Case(
        "overall_takes_the_highest_floored_level_and_the_highest_score",
        "floors",
        "risk",
        "en",
        {
            **PERSONAL,
            "privacy_likelihood": "1",
            "privacy_severity": "5",
            "legitimacy_likelihood": "3",
            "legitimacy_severity": "3",
        },
        "overall",
        (9, "high", FINAL),
    ),
    Case(
        "overall_is_final_once_every_principle_is_rated",
        "small",
        "risk",
        "en",
        {
            **PERSONAL,
            "privacy_likelihood": "1",
            "privacy_severity": "2",
            "legitimacy_likelihood": "2",
            "legitimacy_severity": "1",
        },
        "overall",
        (2, "low", FINAL),
    ),
    # any: by precaution, decided by a bound, known false, or still open
    Case(
        "dont_know_applies_the_toolkit_until_resolved",
        "small",
        "risk",
        "ar",
        {"core_function": "dont_know"},
        "full_toolkit",
        (1, "required", "until_resolved"),
    ),
    Case(
        "a_condition_that_holds_needs_no_precaution",
        "small",
        "risk",
        "en",
        {"core_function": "dont_know", **PERSONAL, "privacy_likelihood": "5", "privacy_severity": "5"},
        "full_toolkit",
        (1, "required", FINAL),
    ),
    Case(
        "a_provisional_bound_of_medium_already_decides",
        "small",
        "risk",
        "en",
        {"core_function": "no", **PERSONAL, "privacy_likelihood": "2", "privacy_severity": "3"},
        "full_toolkit",
        (1, "required", FINAL),
    ),
    Case(
        "a_floored_bound_already_decides",
        "floors",
        "risk",
        "es",
        {"core_function": "no", **PERSONAL, "privacy_likelihood": "1", "privacy_severity": "4"},
        "full_toolkit",
        (1, "required", FINAL),
    ),
    Case(
        "a_low_bound_decides_nothing",
        "small",
        "risk",
        "en",
        {"core_function": "no", **PERSONAL, "privacy_likelihood": "1", "privacy_severity": "2"},
        "full_toolkit",
        (None, None, "provisional 1/2"),
    ),
    Case(
        "not_required_only_when_every_condition_is_false",
        "small",
        "risk",
        "en",
        {"core_function": "no", "uses_personal_data": "no", "legitimacy_likelihood": "1", "legitimacy_severity": "2"},
        "full_toolkit",
        (0, "not_required", FINAL),
    ),
    Case("nothing_answered_decides_nothing", "small", "risk", "en", {}, "full_toolkit", (None, None, "provisional 0/2")),
    # mean: "Don't know" unanswered (data) or excluded (leadership, in the variant)
    Case(
        "excluded_dont_know_half_of_the_answers_still_scores",
        "floors",
        "readiness",
        "en",
        {"strategy": "3", "owner": "dont_know"},
        "leadership",
        (3, "advanced", FINAL),
    ),
    Case(
        "excluded_dont_know_over_half_is_not_enough_knowledge",
        "floors",
        "readiness",
        "ar",
        {"strategy": "dont_know", "owner": "dont_know", "data_policy": "2", "data_quality": "3"},
        "leadership",
        (None, None, "not_enough_knowledge"),
    ),
    Case(
        "not_enough_knowledge_passes_to_the_overall_mean",
        "floors",
        "readiness",
        "zh",
        {"strategy": "dont_know", "owner": "dont_know", "data_policy": "2", "data_quality": "3"},
        "overall",
        (None, None, "not_enough_knowledge"),
    ),
    Case(
        "unanswered_dont_know_leaves_the_mean_provisional",
        "floors",
        "readiness",
        "fr",
        {"strategy": "3", "owner": "2", "data_policy": "dont_know", "data_quality": "3"},
        "data",
        (None, None, "provisional 1/2"),
    ),
    Case(
        "the_overall_mean_waits_for_every_dimension",
        "floors",
        "readiness",
        "en",
        {"strategy": "3", "owner": "2", "data_policy": "dont_know", "data_quality": "3"},
        "overall",
        (None, None, "provisional 1/2"),
    ),
    Case(
        "the_overall_mean_of_final_dimensions",
        "floors",
        "readiness",
        "en",
        {"strategy": "3", "owner": "dont_know", "data_policy": "1", "data_quality": "0"},
        "overall",
        (1.75, "developing", FINAL),
    ),
    Case(
        "a_mean_with_nothing_answered_is_provisional",
        "small",
        "readiness",
        "en",
        {},
        "leadership",
        (None, None, "provisional 0/2"),
    ),
    # completeness: always final
    Case(
        "completeness_with_one_of_three_answered",
        "small",
        "workbook",
        "en",
        {"planning_need": "A need"},
        "planning",
        (33, "incomplete", FINAL),
    ),
    Case(
        "completeness_counts_the_questions_a_decision_opens",
        "small",
        "workbook",
        "es",
        {
            "planning_need": "x",
            "planning_decision": "proceed_with_changes",
            "planning_changes": "y",
            "planning_date": "2026-01-05",
            "planning_review": "yes",
        },
        "planning",
        (83, "partial", FINAL),
    ),
    Case("completeness_of_nothing_answered_is_zero", "small", "workbook", "en", {}, "overall", (0, "incomplete", FINAL)),
    # every input hidden: nothing to wait for
    Case(
        "a_mean_of_hidden_questions_is_final_without_a_score",
        "hidden",
        "readiness",
        "ar",
        {"agency_name": "A", "strategy": "3", "owner": "3"},
        "data",
        (None, None, "not applicable"),
    ),
    Case(
        "nothing_to_rate_lets_the_full_toolkit_verdict_be_no",
        "hidden",
        "risk",
        "en",
        {"use_case_name": "X", "core_function": "no", "uses_personal_data": "no"},
        "full_toolkit",
        (0, "not_required", FINAL),
    ),
    # content 1.1: "Not applicable", checklists, "the higher of two"
    Case(
        "not_applicable_leaves_the_item_out_of_the_mean",
        "v11",
        "readiness",
        "fr",
        {"data_policy": "2", "data_quality": "not_applicable"},
        "data",
        (2, "established", FINAL),
    ),
    Case(
        "not_applicable_is_neither_missing_nor_a_low_score",
        "v11",
        "readiness",
        "en",
        {"data_quality": "not_applicable"},
        "data",
        (None, None, "provisional 0/1"),
    ),
    Case(
        "a_checklist_counts_the_share_of_its_items_ticked",
        "v11",
        "workbook",
        "en",
        {"deployment_owner": "A", "deployment_checklist": ["training"]},
        "deployment",
        (75, "partial", FINAL),
    ),
    Case(
        "items_that_do_not_apply_are_left_out_of_the_share",
        "v11",
        "workbook",
        "ar",
        {"deployment_owner": "A", "deployment_checklist": ["training"], "deployment_checklist_not_applicable": ["audit_log"]},
        "deployment",
        (100, "complete", FINAL),
    ),
    Case(
        "a_checklist_whose_every_item_does_not_apply_is_not_counted",
        "v11",
        "workbook",
        "en",
        {"deployment_checklist_not_applicable": ["training", "audit_log"]},
        "deployment",
        (0, "incomplete", FINAL),
    ),
    Case(
        "an_unticked_checklist_is_not_done",
        "v11",
        "workbook",
        "zh",
        {"deployment_owner": "A"},
        "deployment",
        (50, "partial", FINAL),
    ),
    Case(
        "the_higher_of_two_severities_is_the_factor",
        "v11",
        "risk",
        "en",
        {"legitimacy_likelihood": "2", "legitimacy_severity": "2", "legitimacy_environment_severity": "3"},
        "legitimacy",
        (6, "medium", FINAL),
    ),
    Case(
        "the_higher_of_two_carries_its_floor",
        "v11",
        "risk",
        "ru",
        {"legitimacy_likelihood": "1", "legitimacy_severity": "5", "legitimacy_environment_severity": "1"},
        "legitimacy",
        (5, "high", FINAL),
    ),
    Case(
        "the_higher_of_two_waits_for_both",
        "v11",
        "risk",
        "en",
        {"legitimacy_likelihood": "3", "legitimacy_severity": "5"},
        "legitimacy",
        (None, None, "provisional 2/3"),
    ),
]


def state(result: Result) -> tuple:
    """What scoring.py says of one result, in the terms of the table above."""
    if not result.final:
        status = f"provisional {result.answered}/{result.expected}"
    elif result.finding:
        status = result.finding
    else:
        status = FINAL if result.level else "not applicable"
    return result.score, result.level.id if result.level else None, status


@pytest.fixture(scope="module")
def contents(small_content, tmp_path_factory):
    """The small fixture and its variant with floors and "Don't know" excluded."""
    variants = {"small": small_content}
    for variant, edits_by_file in (("floors", VARIANT_EDITS), ("hidden", HIDDEN_EDITS), ("v11", V11_EDITS)):
        folder = tmp_path_factory.mktemp(variant) / "content"
        shutil.copytree(SMALL, folder, symlinks=False)
        for name, edits in edits_by_file.items():
            text = (folder / name).read_text(encoding="utf-8")
            for old, new in edits:
                assert text.count(old) == 1, f"tests/content/small/{name} no longer has {old!r}: update the edits"
                text = text.replace(old, new)
            (folder / name).write_text(text, encoding="utf-8")
        variants[variant] = load_content(folder)
    return variants


@pytest.fixture(scope="module")
def recalculated(contents, tmp_path_factory) -> dict[str, dict]:
    """Every case filled in LibreOffice, in one batch; case name -> live cells."""
    folder = tmp_path_factory.mktemp("live_cases")
    jobs, blanks = [], {}
    for case in CASES:
        content, form = contents[case.content], contents[case.content].form(case.form)
        blank = folder / f"{case.content}-{case.form}-{case.lang}.xlsx"
        if blank not in blanks:
            xlsx.render(content, form, case.lang, blank)
            blanks[blank] = True
        jobs.append(fill_job(content, form, case.lang, blank, folder / f"{case.name}.xlsx", case.answers))
    live = recalculate(jobs, folder)
    return {case.name: live[str(folder / f"{case.name}.xlsx")] for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scoring_py_gives_each_result_its_three_valued_state(contents, case):
    content = contents[case.content]
    assert state(score_form(content.form(case.form), case.answers).result(case.key)) == case.expected


@pytest.mark.client
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_workbook_recalculated_by_libreoffice_shows_what_scoring_py_says(contents, recalculated, case):
    content = contents[case.content]
    expected = expected_cells(content, content.form(case.form), case.lang, case.answers)
    assert differences(expected, recalculated[case.name]) == {}


def test_the_variant_has_the_floors_and_the_excluded_dont_know_it_is_made_for(contents):
    floors = contents["floors"]
    severity = floors.form("risk").question("privacy_severity")
    assert [c.floor for c in severity.choices] == [None, None, None, "medium", "high"]
    assert floors.form("readiness").result("leadership").dont_know == "excluded"
    assert contents["small"].form("readiness").result("leadership").dont_know == "unanswered"


def test_the_status_cells_are_named_and_read_their_texts_from_the_lists_sheet(contents, tmp_path):
    """status_<key> sits beside score_<key> and level_<key>; its texts are cells, never literals."""
    content = contents["small"]
    path = Path(tmp_path) / "risk.xlsx"
    xlsx.render(content, content.form("risk"), "fr", path)
    wb = openpyxl.load_workbook(path)
    for rule in content.form("risk").results:
        cells = {p: next(iter(wb.defined_names[f"{p}_{rule.key}"].destinations)) for p in ("score", "level", "status")}
        (sheet, score), (_, level), (_, status) = cells["score"], cells["level"], cells["status"]
        assert (score[1], level[1], status[1]) == ("C", "D", "E") and score[3:] == level[3:] == status[3:]
        formula = wb[sheet][status.replace("$", "")].value
        assert formula.startswith("=") and "Provisoire" not in formula and "'_lists'!" in formula
