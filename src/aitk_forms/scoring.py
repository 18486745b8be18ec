"""Pure scoring: a form's result rules applied to a set of answers. No I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Form, Level, Question, ResultRule

Answer = str | float | int | list
Answers = Mapping[str, Answer]


@dataclass(frozen=True)
class Result:
    key: str
    score: float | None  # None: not enough answers to compute it
    level: Level | None
    answered: int  # inputs that had a usable answer
    expected: int  # inputs that could have one (hidden questions excluded)


@dataclass(frozen=True)
class Scorecard:
    results: tuple[Result, ...]
    answered: int  # visible questions answered (a "Don't know" counts as unanswered)
    applicable: int  # visible questions
    missing_required: tuple[str, ...]
    dont_know: tuple[str, ...]

    def result(self, key: str) -> Result | None:
        return next((r for r in self.results if r.key == key), None)

    @property
    def scores(self) -> dict[str, float | int]:
        return {r.key: plain_number(r.score) for r in self.results if r.score is not None}


def round_half_up(value: float, decimals: int) -> float:
    """Round as spreadsheet ROUND does: halves away from zero."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def plain_number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def visible_questions(form: Form, answers: Answers) -> set[str]:
    """Ids of the questions shown, given the answers (a condition on a hidden question is false)."""
    shown: set[str] = set()
    for q in form.questions():
        cond = q.show_if
        if cond is None or (cond.question in shown and _chosen(answers.get(cond.question)) & set(cond.values)):
            shown.add(q.id)
    return shown


def is_answered(question: Question, answer: Answer | None) -> bool:
    """True for a usable answer: a "Don't know" or an empty value is not one."""
    if answer is None or answer == "" or answer == []:
        return False
    if question.has_choices and question.kind != "multi_choice":
        return answer != "dont_know"
    return True


def score_form(form: Form, answers: Answers) -> Scorecard:
    shown = visible_questions(form, answers)
    index = form.question_index
    done: dict[str, Result] = {}
    for rule in form.results:
        done[rule.key] = _score_rule(form, rule, answers, shown, done)
    visible = [q for q in form.questions() if q.id in shown]
    return Scorecard(
        results=tuple(done.values()),
        answered=sum(is_answered(q, answers.get(q.id)) for q in visible),
        applicable=len(visible),
        missing_required=tuple(q.id for q in visible if q.required and not is_answered(q, answers.get(q.id))),
        dont_know=tuple(q for q in answers if q in index and answers[q] == "dont_know" and q in shown),
    )


def level_for(form: Form, rule: ResultRule, score: float | None) -> Level | None:
    if score is None or rule.levels is None:
        return None
    return next((lv for lv in form.level_set(rule.levels) if lv.contains(score)), None)


def _score_rule(form: Form, rule: ResultRule, answers: Answers, shown: set[str], done: dict[str, Result]) -> Result:
    if rule.method == "any":
        score, answered, expected = _any(rule, answers, shown, done)
    elif rule.results:
        values = [done[k].score for k in rule.results]
        known = [v for v in values if v is not None]
        score = _combine(rule.method, known, len(values))
        answered, expected = len(known), len(values)
    else:
        questions = [q for q in form.rule_questions(rule) if q.id in shown]
        if rule.method == "completeness":
            answered = sum(is_answered(q, answers.get(q.id)) for q in questions)
            expected = len(questions)
            score = 100.0 * answered / expected if expected else None
        else:
            values = [_value(q, answers.get(q.id)) for q in questions]
            known = [v for v in values if v is not None]
            score = _combine(rule.method, known, len(values))
            answered, expected = len(known), len(values)
    if score is not None:
        score = round_half_up(score, rule.decimals)
    return Result(rule.key, score, level_for(form, rule, score), answered, expected)


def _combine(method: str, known: list[float], expected: int) -> float | None:
    if not known:
        return None
    if method == "mean":
        return sum(known) / len(known)
    if method == "max":
        return max(known)
    if method == "product" and len(known) == expected:
        total = 1.0
        for v in known:
            total *= v
        return total
    return None


def _any(rule: ResultRule, answers: Answers, shown: set[str], done: dict[str, Result]) -> tuple[float | None, int, int]:
    holds, known = False, 0
    for cond in rule.conditions:
        if cond.question is not None:
            answer = answers.get(cond.question) if cond.question in shown else None
            if answer is not None and answer != "dont_know":
                known += 1
                holds = holds or bool(_chosen(answer) & set(cond.values))
        else:
            result = done[cond.result]
            if result.score is not None:
                known += 1
                holds = holds or (result.level is not None and result.level.id in cond.values)
    if holds:
        return 1.0, known, len(rule.conditions)
    return (0.0 if known == len(rule.conditions) else None), known, len(rule.conditions)


def _value(question: Question, answer: Answer | None) -> float | None:
    if not isinstance(answer, str) or not question.has_choices:
        return None
    return question.value_of(answer)


def _chosen(answer: Answer | None) -> set[str]:
    if isinstance(answer, list):
        return {str(a) for a in answer}
    return {answer} if isinstance(answer, str) else set()
