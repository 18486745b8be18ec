"""A second formula engine: the workbook's live score_, level_ and status_ cells, recalculated by the `formulas`
package (not LibreOffice), show exactly what scoring.py says, for any filling of the form.

Every form of the small fixture in English under Hypothesis (partial answers, "Don't know", answers to
questions a condition hides, severity floors and "Don't know" excluded from a mean), and a fixed set of
answers in every other language. The three-valued cases of test_xlsx_live_results.py are tried in both.
Each blank workbook is compiled once; each filling is calculated from the values the codec's `fill` wrote.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aitk_forms.formats import xlsx
from aitk_forms.model import Form, Question
from aitk_forms.sample import sample_answers
from live_results import differences, expected_cells, live_names
from second_engine import CompiledWorkbook, compile_workbook
from test_xlsx_live_results import CASES, contents  # noqa: F401  (the variant contents fixture)

FORMS = ("readiness", "risk", "workbook")
OTHER_LANGUAGES = ("fr", "es", "ar", "ru", "zh")
EXAMPLES = 30  # per form: about 0.2 s each (fill with openpyxl, calculate), after a compilation of about 1 s
SECOND_ENGINE = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
TEXTS = ("A need", "=1+1", "Проверено; 已审核")  # a leading = must stay text


@pytest.fixture(scope="module")
def compiled(contents, tmp_path_factory):  # noqa: F811
    """(content variant, form, language) -> the blank workbook, compiled on first use and kept for the module."""
    folder, cache = tmp_path_factory.mktemp("second_engine"), {}

    def get(variant: str, form_id: str, lang: str) -> CompiledWorkbook:
        if (variant, form_id, lang) not in cache:
            blank = folder / f"{variant}-{form_id}-{lang}.xlsx"
            xlsx.render(contents[variant], contents[variant].form(form_id), lang, blank)
            cache[variant, form_id, lang] = compile_workbook(blank)
        return cache[variant, form_id, lang]

    return get


def answer_strategy(q: Question) -> st.SearchStrategy:
    """Any answer a respondent can give to `q` (choice ids include "Don't know" where the question has it)."""
    if q.kind == "multi_choice":
        return st.lists(st.sampled_from([c.id for c in q.choices]), min_size=1, unique=True)
    if q.has_choices:
        return st.sampled_from([c.id for c in q.choices])
    if q.kind == "date":
        return st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)
    if q.kind == "number":
        low = int(q.minimum) if q.minimum is not None else 0
        return st.integers(low, int(q.maximum) if q.maximum is not None else low + 1000)
    return st.sampled_from(TEXTS)


@st.composite
def fillings(draw, form: Form) -> dict:
    """Partial answers: each question answered or not, hidden ones too (a respondent may answer, then change the
    condition: the hidden answer stays in the cell and must not count)."""
    answers = {}
    for q in form.questions():
        if draw(st.booleans()):
            answers[q.id] = draw(answer_strategy(q))
    return answers


def shown_by_second_engine(workbook: CompiledWorkbook, content, form: Form, lang: str, answers: dict, tmp: Path) -> dict:
    filled = tmp / f"filled-{form.id}-{lang}.xlsx"
    xlsx.fill(content, form, lang, workbook.path, filled, answers)
    return workbook.calculate(filled, live_names(form))


@pytest.mark.parametrize("form_id", FORMS)
def test_formulas_recalculates_every_live_cell_as_scoring_py_for_any_filling(contents, compiled, form_id, tmp_path):  # noqa: F811
    # the variant with severity floors, a mean with "Don't know" excluded, "Not applicable", a checklist and a
    # "higher of two" factor: the hardest rules the workbook carries
    content, form = contents["v11"], contents["v11"].form(form_id)
    workbook = compiled("v11", form_id, "en")

    @SECOND_ENGINE
    @given(answers=fillings(form))
    def the_engines_agree(answers):
        shown = shown_by_second_engine(workbook, content, form, "en", answers, tmp_path)
        assert differences(expected_cells(content, form, "en", answers), shown) == {}, answers

    for case in CASES:  # the boundaries of the LibreOffice table, tried first, whatever Hypothesis draws
        if case.form == form_id and case.content in ("floors", "v11"):
            the_engines_agree = example(answers=case.answers)(the_engines_agree)
    the_engines_agree()


def fixed_fillings(form: Form, lang: str) -> list[dict]:
    """Nothing answered, the cases of the LibreOffice table in this language, and seeded samples."""
    table = [case.answers for case in CASES if case.form == form.id and case.lang == lang and case.content != "v11"]
    samples = [sample_answers(form, seed, completeness=share) for seed, share in ((1, 0.5), (2, 1.0))]
    return [{}, *table, *samples]


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("form_id", FORMS)
def test_formulas_agrees_with_scoring_py_in_every_other_language(contents, compiled, form_id, lang, tmp_path):  # noqa: F811
    content, form = contents["small"], contents["small"].form(form_id)
    workbook = compiled("small", form_id, lang)
    disagreements = {}
    for number, answers in enumerate(fixed_fillings(form, lang)):
        shown = shown_by_second_engine(workbook, content, form, lang, answers, tmp_path)
        found = differences(expected_cells(content, form, lang, answers), shown)
        if found:
            disagreements[number] = (answers, found)
    assert disagreements == {}
