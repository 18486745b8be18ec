"""Reports from the store read responses one at a time into running figures: the figures are the ones the
statistics module gives over a list, to the bit, and a report streamed from the store says what one built
from the same responses in memory says."""

from __future__ import annotations

import json
import random
import statistics
import tracemalloc
from dataclasses import fields
from fractions import Fraction

from benchmarks.store import scored_return

from aitk_forms.importer import import_files
from aitk_forms.outcomes import ImportResult
from aitk_forms.recording import StoredResponses, stored_results
from aitk_forms.reports.attached import write_data
from aitk_forms.reports.running import Figures, sqrt_of_fraction
from aitk_forms.reports.story import CHANGE_ROWS, Paragraph, Table, build_story, say
from aitk_forms.reports.summary import HIGH_RISK, RISK_CASES, respondent_name, summarise
from aitk_forms.reports.trends import Change, FormTrend, Standing, Trends
from aitk_forms.reports.workbook import write_workbook
from aitk_forms.store import open_store
from test_rounds import filled


def test_running_mean_and_spread_equal_fmean_and_pstdev_to_the_bit():
    generator = random.Random(15)
    for trial in range(400):
        count = generator.randint(1, 60)
        if trial % 3 == 0:  # scores as the forms give them: quarters and small integers
            values = [generator.randint(0, 100) / 4 for _ in range(count)]
        else:
            values = [generator.uniform(-1e3, 1e6) * generator.choice((1, 1e-9, 1e12)) for _ in range(count)]
        figures = Figures()
        for value in values:
            figures.add(value)
        assert figures.mean() == statistics.fmean(values)
        assert figures.spread() == statistics.pstdev(values)
        assert (figures.minimum, figures.maximum, figures.count) == (min(values), max(values), count)


def test_an_exact_square_root_is_correctly_rounded():
    assert sqrt_of_fraction(Fraction(0)) == 0.0
    assert sqrt_of_fraction(Fraction(9, 4)) == 1.5
    assert sqrt_of_fraction(Fraction(2)) == 2**0.5
    assert sqrt_of_fraction(Fraction(1, 10**40)) == 1e-20


def test_a_summary_streamed_from_the_store_equals_one_built_from_the_same_responses_in_memory(small_content, tmp_path):
    filled(small_content, tmp_path / "in", "2026", seeds=range(4))
    with open_store(tmp_path / "store.db") as store:
        import_files(small_content, [tmp_path / "in"], store=store)
        streamed = stored_results(store, small_content, ["2026"])
        assert isinstance(streamed, StoredResponses) and len(streamed) == 8
        held = list(streamed)
        from_store = summarise(small_content, ImportResult(held, streamed))
        in_memory = summarise(small_content, ImportResult(held, held))
        assert [f.form.id for f in from_store.forms] == ["readiness", "risk"]
        for a, b in zip(from_store.forms, in_memory.forms, strict=True):
            for field in fields(a):
                if field.name != "responses":
                    assert getattr(a, field.name) == getattr(b, field.name), field.name
            assert len(a.responses) == len(b.responses) == 4
            # Iterating again reads the store again: the same responses, in the same order.
            assert [r.sha256 for r in a.responses] == [r.sha256 for r in b.responses]
            assert [r.sha256 for r in a.responses] == [r.sha256 for r in a.responses]


class Repeated:
    """The same few responses over and over, as a large store yields them: read again on each pass, none held twice."""

    def __init__(self, responses, times):
        self.responses, self.times = responses, times

    def __iter__(self):
        for _ in range(self.times):
            yield from self.responses

    def __len__(self):
        return len(self.responses) * self.times


def _workbook_peak(content, responses, path) -> int:
    """Peak bytes Python allocated while writing consolidated.xlsx for `responses` (also the import log's files), from
    a summary made before (the risk cases it lists for the narrative are not the workbook's)."""
    result = ImportResult(responses, responses)
    summary = summarise(content, result)
    tracemalloc.start()
    try:
        write_workbook(content, result, path, summary)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_consolidated_workbook_is_written_in_memory_that_does_not_grow_with_the_responses(small_content, tmp_path):
    filled(small_content, tmp_path / "in", seeds=range(2))
    accepted = [f for f in import_files(small_content, [tmp_path / "in"]).files if f.status == "accepted"]
    assert len(accepted) == 4
    few = _workbook_peak(small_content, Repeated(accepted, 10), tmp_path / "few.xlsx")
    many = _workbook_peak(small_content, Repeated(accepted, 400), tmp_path / "many.xlsx")
    # 1,560 more responses: held as cells they took tens of MB; streamed, each row goes to disk as it is written.
    assert many - few < 1_000_000, (few, many)
    assert (tmp_path / "many.xlsx").stat().st_size > 4 * (tmp_path / "few.xlsx").stat().st_size


def _narrative_peak(content, responses, folder) -> tuple[int, object]:
    """Peak bytes Python allocated while summarising `responses`, building the narrative and writing the data the
    PDF carries (import log, JSON result); and the narrative."""
    result = ImportResult(responses, responses)
    tracemalloc.start()
    try:
        story = build_story(content, result, summarise(content, result))
        write_data(content, result, folder)
        return tracemalloc.get_traced_memory()[1], story
    finally:
        tracemalloc.stop()


def test_the_narrative_and_the_pdf_data_are_made_in_memory_that_does_not_grow_with_the_responses(real_content, tmp_path):
    few, many = 450, 1800  # a third are risk assessments, most of them at high risk: over RISK_CASES in both rounds
    with open_store(tmp_path / "store.db") as store:
        for label, count in (("small", few), ("large", many)):
            for i in range(count):
                store.add(*scored_return(real_content, i, label))
        for name in ("few", "many"):
            (tmp_path / name).mkdir()
        few_peak, few_story = _narrative_peak(real_content, stored_results(store, real_content, ["small"]), tmp_path / "few")
        many_peak, story = _narrative_peak(real_content, stored_results(store, real_content, ["large"]), tmp_path / "many")
        risk = real_content.form("risk")
        kept = len(stored_results(store, real_content, ["large"]))  # a unit assessed twice keeps one response
        assessed = [r for r in stored_results(store, real_content, ["large"]) if r.form == "risk"]
        at_high_risk = [r for r in assessed if r.levels.get("overall", {}).get("id") in HIGH_RISK]
        expected = sorted(at_high_risk, key=lambda r: (-r.scores["overall"], respondent_name(risk, r)))
    # Held whole, the JSON result alone took about 10 kB a response; streamed, the narrative and the data files
    # cost the same for 450 responses as for 1,800.
    assert many_peak - few_peak < 1_000_000, (few_peak, many_peak)
    assert (tmp_path / "many" / "import-result.json").stat().st_size > 3 * (
        tmp_path / "few" / "import-result.json"
    ).stat().st_size
    assert json.loads((tmp_path / "many" / "import-result.json").read_text())["summary"]["files"] == kept
    # The narrative lists the RISK_CASES highest-scoring high-risk use cases and counts the rest, at any size.
    rows = [block.rows for block in story.blocks if isinstance(block, Table)]
    assert sum(map(len, rows)) == sum(len(block.rows) for block in few_story.blocks if isinstance(block, Table))
    listed = next(r for r in rows if len(r) == RISK_CASES)
    assert [row[0] for row in listed] == [respondent_name(risk, r) for r in expected[:RISK_CASES]]
    more = say("high_risk_more", count=len(expected) - RISK_CASES, listed=RISK_CASES)
    assert len(expected) > 2 * RISK_CASES and Paragraph(more) in story.blocks
    intro = say("high_risk_intro", count=len(expected), total=len(assessed))
    assert Paragraph(intro) in story.blocks


def test_the_narrative_lists_the_first_changes_regressions_first_and_counts_the_others(real_content):
    def change(i: int, kind: str, before: float, after: float) -> Change:
        sides = (Standing("1.0", score, "high", None) for score in (before, after))
        return Change(f"Unit {i:04d}", "overall", *sides, kind)

    changes = [change(i, "regressed", 10, 20) for i in range(CHANGE_ROWS + 40)]
    changes += [change(i, "improved", 20, 10) for i in range(30)] + [change(i, "unchanged", 10, 10) for i in range(500)]
    trend = FormTrend(real_content.form("risk"), True, (900, 900), (), "overall", (), tuple(changes), 0)
    story = build_story(real_content, ImportResult([], [], Trends(("2025", "2026"), (trend,))))
    listed = next(block for block in story.blocks if isinstance(block, Table))
    assert len(listed.rows) == CHANGE_ROWS and {row[0] for row in listed.rows} == {"regressed"}
    assert [row[2] for row in listed.rows] == [f"Unit {i:04d}" for i in range(CHANGE_ROWS)]
    # The 40 regressions and 30 improvements not listed are counted; unchanged results are never listed.
    assert Paragraph(say("changes_more", count=70)) in story.blocks
