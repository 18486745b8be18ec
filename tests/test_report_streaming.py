"""Reports from the store read responses one at a time into running figures: the figures are the ones the
statistics module gives over a list, to the bit, and a report streamed from the store says what one built
from the same responses in memory says."""

from __future__ import annotations

import random
import statistics
import tracemalloc
from dataclasses import fields
from fractions import Fraction

from aitk_forms.importer import import_files
from aitk_forms.outcomes import ImportResult
from aitk_forms.recording import StoredResponses, stored_results
from aitk_forms.reports.running import Figures, sqrt_of_fraction
from aitk_forms.reports.summary import summarise
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
