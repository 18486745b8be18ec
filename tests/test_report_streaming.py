"""Reports from the store read responses one at a time into running figures: the figures are the ones the
statistics module gives over a list, to the bit, and a report streamed from the store says what one built
from the same responses in memory says."""

from __future__ import annotations

import random
import statistics
from dataclasses import fields
from fractions import Fraction

from aitk_forms.importer import import_files
from aitk_forms.outcomes import ImportResult
from aitk_forms.recording import StoredResponses, stored_results
from aitk_forms.reports.running import Figures, sqrt_of_fraction
from aitk_forms.reports.summary import summarise
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
