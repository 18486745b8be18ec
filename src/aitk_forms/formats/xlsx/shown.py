"""What the live cells of a workbook show, worked out in Python from a scorecard: the status text of a result
(shared with the tests that hold LibreOffice and `formulas` to scoring.py), and every formula's value in a
blank workbook, which `cached.py` writes into the file for previews that compute nothing."""

from __future__ import annotations

from ...model import Content, Form, Level, ResultRule
from ...scoring import (
    NOT_ENOUGH_KNOWLEDGE,
    UNTIL_RESOLVED,
    Result,
    Scorecard,
    applicable_questions,
    condition_state,
    round_half_up,
    score_form,
    visible_questions,
)
from ...wording import colon
from . import result_formulas
from .cells import QuestionSheet
from .result_formulas import ResultRow, waiting_key
from .results import ANSWERED_COLUMN, CROSS, LEVEL_ID_COLUMN, ResultsLayout

FINDING_TEXTS = {NOT_ENOUGH_KNOWLEDGE: "not_enough_knowledge", UNTIL_RESOLVED: "until_resolved"}
# column L of a result row
FINDING_CODES = {NOT_ENOUGH_KNOWLEDGE: result_formulas.NOT_ENOUGH_KNOWLEDGE, UNTIL_RESOLVED: result_formulas.UNTIL_RESOLVED}
Values = dict[str, dict[str, object]]  # sheet name -> cell reference -> value


def status_text(content: Content, form: Form, result: Result, lang: str) -> str | None:
    """The status a result shows: what a provisional result waits for, its finding, or nothing (None)."""
    if not result.final:
        text = content.text(waiting_key(form.result(result.key)), lang)
        return text.replace("{answered}", str(result.answered)).replace("{total}", str(result.expected))
    if result.finding:
        return content.text(FINDING_TEXTS[result.finding], lang)
    if result.score is None and result.level is None:
        return content.text("not_applicable", lang)
    return None


def blank_values(content: Content, form: Form, lang: str, questions: QuestionSheet, results: ResultsLayout) -> Values:
    """The value of every formula of the questions and results sheets while nothing is answered."""
    card = score_form(form, {})
    shown = visible_questions(form, {})
    return {
        questions.name: _question_values(content, lang, questions, shown),
        results.name: {
            **_progress_values(content, lang, questions, shown),
            **{ref: v for key, row in results.rows.items() for ref, v in _result_values(form, row, card, key).items()},
            **_required_values(content, lang, results, shown),
            **_status_values(content, form, lang, results, card),
        },
    }


def _question_values(content: Content, lang: str, sheet: QuestionSheet, shown: set[str]) -> dict[str, object]:
    """E "not applicable" on a hidden question; F shown, G answered, H value, I required and missing, J "Don't know"."""
    values: dict[str, object] = {}
    for qid, cells in sheet.cells.items():
        r, visible = cells.row, qid in shown
        values.update(
            {
                f"E{r}": "" if visible else content.text("not_applicable", lang),
                f"F{r}": int(visible),
                f"G{r}": 0,
                f"H{r}": "",
                f"I{r}": int(visible and cells.question.required),
                f"J{r}": 0,
            }
        )
    return values


def _progress_values(content: Content, lang: str, sheet: QuestionSheet, shown: set[str]) -> dict[str, object]:
    """The progress line (A2), the missing line (A3) and their hidden counts."""
    total = sum(qid in shown for qid in sheet.cells)
    missing = sum(qid in shown and cells.question.required for qid, cells in sheet.cells.items())
    progress = content.text("progress", lang).replace("{answered}", "0").replace("{total}", str(total))
    missing_line = f"{content.text('missing_required', lang)}{colon(lang)}{missing}"
    if missing == 0:
        missing_line = content.text("none_missing", lang)
    return {"A2": progress, "A3": missing_line, f"{LEVEL_ID_COLUMN}3": missing, f"{ANSWERED_COLUMN}3": 0}


def _required_values(content: Content, lang: str, layout: ResultsLayout, shown: set[str]) -> dict[str, object]:
    """Each required question: "not applicable" when hidden, else ✗ (nothing is answered, so no ✓); F 1 when missing."""
    values: dict[str, object] = {}
    for row, qid in layout.required.items():
        values[f"C{row}"] = CROSS if qid in shown else content.text("not_applicable", lang)
        values[f"{LEVEL_ID_COLUMN}{row}"] = int(qid in shown)
    return values


def _status_values(content: Content, form: Form, lang: str, layout: ResultsLayout, card: Scorecard) -> dict[str, object]:
    """The visible cells of each result: score (C), level label (D) and status (E), empty while provisional."""
    values: dict[str, object] = {}
    for key, row in layout.rows.items():
        result, rule = card.result(key), row.rule
        final = result.final
        values[f"C{row.row}"] = result.score if final and result.score is not None and rule.method != "any" else ""
        values[f"D{row.row}"] = result.level.label.get(lang) if final and result.level else ""
        values[f"E{row.row}"] = status_text(content, form, result, lang) or ""
    return values


def _result_values(form: Form, row: ResultRow, card: Scorecard, key: str) -> dict[str, object]:
    """The hidden workings of one result row (result_formulas.py), as its formulas give them with no answers."""
    result, rule = card.result(key), row.rule
    rank = _rank(row.levels, result.level if result.final else result.bound_level)
    if result.final:
        score: object = result.score if result.score is not None else ""
    else:
        score = round_half_up(result.bound, rule.decimals) if result.bound is not None else ""
    values = {
        "F": result.level.id if result.final and result.level else "",
        "G": int(result.final),
        "H": rank,
        "I": score,
        "J": result.answered,
        "K": result.expected,
        "L": FINDING_CODES.get(result.finding or "", 0),
        **_method_values(form, rule, card),
    }
    return {f"{column}{row.row}": value for column, value in values.items()}


def _method_values(form: Form, rule: ResultRule, card: Scorecard) -> dict[str, object]:
    """M and N, which mean different things by method (result_formulas.py), with nothing answered."""
    if rule.method == "any":
        done, shown = {r.key: r for r in card.results}, applicable_questions(form, {})
        holding = sum(condition_state(form, c, {}, shown, done) == "holds" for c in rule.conditions)
        return {"M": holding, "N": 0}
    if rule.results:
        inputs = [card.result(k) for k in rule.results]
        shown_scores = [r for r in inputs if r.final and r.score is not None and form.result(r.key).method != "any"]
        return {"M": len(shown_scores)}
    if rule.method == "mean":
        return {"M": 0, "N": 0}
    return {"M": ""}  # the highest value answered so far (max): none


def _rank(levels: tuple[Level, ...], level: Level | None) -> int:
    """1 for the first level of the set, 0 for none."""
    ids = [lv.id for lv in levels]
    return ids.index(level.id) + 1 if level is not None and level.id in ids else 0
