"""The rules of trends and changes, on responses put straight into a real SQLite store: which rounds a
report compares, when a change is an improvement or a regression, and when two results cannot be compared
(provisional, or scored by a rule that changed between content versions)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from aitk_forms.model import Text
from aitk_forms.reports.trends import compute_trends, trends_for
from aitk_forms.store import FileRecord, ResponseRecord, open_store

READY = {"leadership": "developing", "data": "developing", "overall": "developing"}


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "rules.db") as opened:
        yield opened


def add(store, form: str, label: str, unit: str, scores: dict, levels: dict, provisional=None, version="1.0") -> str:
    sha = hashlib.sha256(repr((form, label, unit, scores, version)).encode()).hexdigest()
    file = FileRecord(sha, f"{form}-{sha[:8]}.xlsx", 1, "2026-01-01T00:00:00Z", "accepted", None, "xlsx")
    store.add(file, ResponseRecord("aitk", form, version, "en", label, unit, {}, scores, levels, provisional or {}, None, 1))
    return sha


def changes(trends, form_id: str) -> dict[tuple[str, str], tuple[str, str]]:
    trend = next(t for t in trends.forms if t.form.id == form_id)
    return {(c.unit, c.key): (c.kind, c.why) for c in trend.changes}


def with_history(content, *older):
    return replace(content, history=tuple(older))


def revalued(form, version: str, section_id: str, choice_id: str, value: float):
    """`form` as an older version in which one answer of one section was worth `value`."""
    sections = []
    for section in form.sections:
        if section.id == section_id:
            questions = tuple(
                replace(q, choices=tuple(replace(c, value=value) if c.id == choice_id else c for c in q.choices))
                for q in section.questions
            )
            section = replace(section, questions=questions)
        sections.append(section)
    return replace(form, version=version, sections=tuple(sections))


def reworded(form, version: str):
    """`form` as an older version whose results were only labelled differently."""
    results = tuple(replace(rule, label=Text(rule.label.path, (("en", f"Old {rule.key}"),))) for rule in form.results)
    return replace(form, version=version, results=results)


def test_a_result_whose_rule_changed_between_versions_is_not_comparable_and_the_results_made_of_it_neither(small_content, store):
    readiness = small_content.form("readiness")
    content = with_history(small_content, revalued(readiness, "0.8", "leadership", "4", 5.0))
    add(store, "readiness", "2025", "Cyber Unit", {"leadership": 1.5, "data": 1, "overall": 1.25}, READY, version="0.8")
    add(store, "readiness", "2026", "Cyber Unit", {"leadership": 3, "data": 3, "overall": 3}, dict.fromkeys(READY, "advanced"))
    found = changes(compute_trends(store, content), "readiness")
    why = "the rule changed between versions 0.8 and 1.0"
    assert found[("Cyber Unit", "leadership")] == ("not comparable", why)
    assert found[("Cyber Unit", "overall")] == ("not comparable", why)
    assert found[("Cyber Unit", "data")] == ("improved", "")


def test_a_version_only_reworded_is_compared_as_the_same_rule(small_content, store):
    content = with_history(small_content, reworded(small_content.form("readiness"), "0.9"))
    add(
        store,
        "readiness",
        "2025",
        "Cyber Unit",
        {"leadership": 3, "data": 3, "overall": 3},
        dict.fromkeys(READY, "advanced"),
        version="0.9",
    )
    add(store, "readiness", "2026", "Cyber Unit", {"leadership": 1.5, "data": 1, "overall": 1.25}, READY)
    assert set(changes(compute_trends(store, content), "readiness").values()) == {("regressed", "")}


def test_a_version_the_content_does_not_hold_is_not_comparable(small_content, store):
    add(store, "readiness", "2025", "Cyber Unit", {"leadership": 1, "data": 1, "overall": 1}, READY, version="0.1")
    add(store, "readiness", "2026", "Cyber Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    found = changes(compute_trends(store, small_content), "readiness")
    assert found[("Cyber Unit", "data")] == ("not comparable", "the rules of version 0.1 are not in this content")


def test_levels_not_scores_decide_a_change_and_for_risk_a_lower_level_is_better(small_content, store):
    for label, privacy, overall, level in (("2025", 16, 16, "high"), ("2026", 12, 12, "high")):
        add(store, "risk", label, "Face matching", {"privacy": privacy, "overall": overall}, {"privacy": level, "overall": level})
    add(store, "risk", "2025", "Plates", {"privacy": 12, "overall": 12}, {"privacy": "high", "overall": "high"})
    add(store, "risk", "2026", "Plates", {"privacy": 6, "overall": 20}, {"privacy": "medium", "overall": "extremely_high"})
    found = changes(compute_trends(store, small_content), "risk")
    assert found[("Face matching", "privacy")] == ("unchanged", "")  # 16 to 12, both high
    assert found[("Plates", "privacy")] == ("improved", "")
    assert found[("Plates", "overall")] == ("regressed", "")
    assert found[("Plates", "legitimacy")] == ("not comparable", "no result in the previous and the latest round")


def test_a_provisional_result_is_not_comparable_and_new_and_removed_units_are_named(small_content, store):
    add(store, "readiness", "2025", "Cyber Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    waiting = {"data": {"answered": 1, "needed": 2}, "overall": {"answered": 1, "needed": 2}}
    add(store, "readiness", "2026", "Cyber Unit", {"leadership": 3}, {"leadership": "advanced"}, waiting)
    add(store, "readiness", "2025", "Old Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    add(store, "readiness", "2026", "New Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    trends = compute_trends(store, small_content)
    found = changes(trends, "readiness")
    assert found[("Cyber Unit", "data")] == ("not comparable", "provisional in the latest round")
    assert found[("Cyber Unit", "leadership")] == ("improved", "")
    assert {found[("Old Unit", key)][0] for key in READY} == {"removed"}
    assert {found[("New Unit", key)][0] for key in READY} == {"new"}
    kinds = [c.kind for c in trends.forms[0].changes]
    assert kinds == ["improved", "not comparable", "not comparable", *["new"] * 3, *["removed"] * 3]
    series = trends.forms[0].series("data")
    assert series.scored == (2, 1) and series.provisional == (0, 1) and series.means == (1.0, 1.0)


def test_trends_run_to_the_reported_round_and_leave_round_unassigned_out(small_content, store):
    for label in ("2024", "2026", "unassigned", "2025"):
        add(store, "readiness", label, "Cyber Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    assert compute_trends(store, small_content).rounds == ("2024", "2025", "2026")
    earlier = trends_for(store, small_content, ["2025"])
    assert earlier.rounds == ("2024", "2025") and (earlier.previous, earlier.latest) == ("2024", "2025")
    assert trends_for(store, small_content, ["unassigned"]).rounds == ("2024", "2025", "2026")
    assert trends_for(store, small_content, []) is None


def test_responses_without_a_unit_are_counted_but_not_followed(small_content, store):
    for label, score in (("2025", 1), ("2026", 3)):
        add(store, "readiness", label, "", {"leadership": score, "data": score, "overall": score}, READY)
        add(store, "readiness", label, "Cyber Unit", {"leadership": 2, "data": 2, "overall": 2}, READY)
    trend = compute_trends(store, small_content).forms[0]
    assert trend.responses == (2, 2) and trend.unitless == 2
    assert trend.series("overall").means == (1.5, 2.5)
    assert [row.unit for row in trend.units] == ["Cyber Unit"]
    assert {c.unit for c in trend.changes} == {"Cyber Unit"}


def test_two_spellings_aliased_to_one_unit_are_followed_as_one(small_content, store):
    add(store, "readiness", "2025", "Cybercrime Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    add(store, "readiness", "2026", "Cyber Unit", {"leadership": 3, "data": 3, "overall": 3}, dict.fromkeys(READY, "advanced"))
    assert {c.kind for c in compute_trends(store, small_content).forms[0].changes} == {"new", "removed"}
    store.alias("Cybercrime Unit", "Cyber Unit")
    trend = compute_trends(store, small_content).forms[0]
    assert [row.unit for row in trend.units] == ["Cyber Unit"]
    assert {c.kind for c in trend.changes} == {"improved"}


def test_a_withdrawn_response_leaves_the_trends(small_content, store):
    add(store, "readiness", "2025", "Cyber Unit", {"leadership": 1, "data": 1, "overall": 1}, READY)
    sha = add(store, "readiness", "2026", "Cyber Unit", {"leadership": 3, "data": 3, "overall": 3}, READY)
    store.withdraw(sha)
    trend = compute_trends(store, small_content).forms[0]
    assert trend.responses == (1,) and trend.changes == ()
