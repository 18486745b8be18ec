"""Pure scoring: a form's result rules applied to a set of answers. No I/O.

Every result is three-valued: final (its level can no longer change, whatever the unanswered questions
would say), provisional (not enough answers yet: no score, no level, only how much is answered), or final
with a finding instead of a level ("not enough knowledge"). The Excel formulas reproduce these rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import NOT_APPLICABLE, Choice, Form, Level, Question, ResultRule, companion_id

Answer = str | float | int | list
Answers = Mapping[str, Answer]
DONT_KNOW = "dont_know"
# Findings: a final result without a level, or a level that holds only until an answer is resolved.
NOT_ENOUGH_KNOWLEDGE = "not_enough_knowledge"
UNTIL_RESOLVED = "until_resolved"


@dataclass(frozen=True)
class Result:
    key: str
    score: float | None  # final results only
    level: Level | None  # final results only
    answered: int  # inputs known (answered, or final for results of results)
    expected: int  # inputs needed (hidden questions excluded)
    final: bool = True
    bound: float | None = None  # a provisional highest risk: the highest final input so far (a lower bound)
    bound_level: Level | None = None
    finding: str | None = None  # NOT_ENOUGH_KNOWLEDGE or UNTIL_RESOLVED


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
        return {r.key: plain_number(r.score) for r in self.results if r.final and r.score is not None}

    @property
    def provisional(self) -> dict[str, dict[str, int]]:
        return {r.key: {"answered": r.answered, "needed": r.expected} for r in self.results if not r.final}

    @property
    def findings(self) -> dict[str, str]:
        return {r.key: r.finding for r in self.results if r.finding}


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
        return answer != DONT_KNOW
    return True


def applicable_questions(form: Form, answers: Answers) -> set[str]:
    """Ids of the questions shown and not answered "Not applicable": the inputs results are scored from."""
    return {q for q in visible_questions(form, answers) if answers.get(q) != NOT_APPLICABLE}


def score_form(form: Form, answers: Answers) -> Scorecard:
    shown = applicable_questions(form, answers)
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
        dont_know=tuple(q for q in answers if q in index and answers[q] == DONT_KNOW and q in shown),
    )


def level_for(form: Form, rule: ResultRule, score: float | None) -> Level | None:
    if score is None or rule.levels is None:
        return None
    return next((lv for lv in form.level_set(rule.levels) if lv.contains(score)), None)


def floored_level(form: Form, rule: ResultRule, score: float | None, choices: Iterable[Choice]) -> Level | None:
    """The level of `score`, raised to the highest floor of the chosen answers: what a principle rated with
    these choices gets (the heat map colours its cells by it)."""
    levels = {lv.id: lv for lv in form.level_set(rule.levels or "")}
    level = level_for(form, rule, score)
    for choice in choices:
        if choice.floor in levels:
            level = higher_level(form, rule, level, levels[choice.floor])
    return level


def higher_level(form: Form, rule: ResultRule, a: Level | None, b: Level | None) -> Level | None:
    """The later of two levels in the rule's level set (levels are listed from lowest to highest)."""
    order = [lv.id for lv in form.level_set(rule.levels or "")]
    known = [lv for lv in (a, b) if lv is not None and lv.id in order]
    return max(known, key=lambda lv: order.index(lv.id)) if known else None


def _score_rule(form: Form, rule: ResultRule, answers: Answers, shown: set[str], done: dict[str, Result]) -> Result:
    if rule.method == "any":
        return _any(form, rule, answers, shown, done)
    if rule.results:
        return _of_results(form, rule, [done[k] for k in rule.results])
    questions = [q for q in form.rule_questions(rule) if q.id in shown]
    if rule.method == "completeness":
        return _completeness(form, rule, questions, answers, shown)
    if rule.method == "mean":
        return _mean_of_questions(form, rule, questions, answers)
    values = [_value(q, answers.get(q.id)) for q in questions]
    known = [v for v in values if v is not None]
    if rule.method == "max":
        return _max_of(form, rule, [level_for(form, rule, v) for v in known], known, len(values))
    if not values:  # every input hidden by its condition: nothing to wait for, nothing to score
        return Result(rule.key, None, None, 0, 0)
    if len(known) < len(values):  # product: every input, or nothing
        return Result(rule.key, None, None, len(known), len(values), final=False)
    result = _final(form, rule, _product(_factor_values(form, rule, answers, shown)), len(known), len(values))
    floor = _floor(form, rule, questions, answers)
    return Result(**{**result.__dict__, "level": higher_level(form, rule, result.level, floor)})


def _factor_values(form: Form, rule: ResultRule, answers: Answers, shown: set[str]) -> list[float]:
    """The value of each factor of a product: its question's, or the highest of its questions' (`higher_of`)."""
    found = [
        [v for q in factor if q.id in shown and (v := _value(q, answers.get(q.id))) is not None]
        for factor in form.rule_factors(rule)
    ]
    return [max(values) for values in found if values]


def _completeness(form: Form, rule: ResultRule, questions: list[Question], answers: Answers, shown: set[str]) -> Result:
    """The share of applicable questions answered; a checklist counts as the share of its items ticked (items
    marked as not applying left out). Plain questions are summed first, then checklists in order, as the
    spreadsheet formula adds them."""
    plain = [q for q in questions if not q.checklist]
    total: float = sum(is_answered(q, answers.get(q.id)) for q in plain)
    counted = len(plain)
    for q in (q for q in questions if q.checklist):
        ticked = _chosen(answers.get(q.id))
        excluded = _chosen(answers.get(companion_id(q.id)))
        items = [c.id for c in q.choices if c.id not in excluded]
        if items:
            total += sum(i in ticked for i in items) / len(items)
            counted += 1
    answered = sum(is_answered(q, answers.get(q.id)) for q in questions)
    score = 100.0 * total / counted if counted else None
    return _final(form, rule, score, answered, counted)


def _final(form: Form, rule: ResultRule, score: float | None, answered: int, expected: int, finding=None) -> Result:
    if score is not None:
        score = round_half_up(score, rule.decimals)
    return Result(rule.key, score, level_for(form, rule, score), answered, expected, finding=finding)


def _product(values: list[float]) -> float:
    total = 1.0
    for value in values:
        total *= value
    return total


def _floor(form: Form, rule: ResultRule, questions: list[Question], answers: Answers) -> Level | None:
    """The highest level the answers' floors demand (severity 5: at least high): raises the level, not the score."""
    chosen = [q.choice(answers[q.id]) for q in questions if isinstance(answers.get(q.id), str)]
    return floored_level(form, rule, None, [c for c in chosen if c is not None])


def _mean_of_questions(form: Form, rule: ResultRule, questions: list[Question], answers: Answers) -> Result:
    values = [_value(q, answers.get(q.id)) for q in questions]
    known = [v for v in values if v is not None]
    dont_know = sum(answers.get(q.id) == DONT_KNOW for q in questions) if rule.dont_know == "excluded" else 0
    expected = len(questions)
    if dont_know * 2 > expected:  # more than half "Don't know", whatever the rest says
        return Result(rule.key, None, None, len(known) + dont_know, expected, finding=NOT_ENOUGH_KNOWLEDGE)
    if not questions:  # every question hidden by its condition: nothing to wait for, nothing to score
        return Result(rule.key, None, None, 0, 0)
    if len(known) + dont_know < expected:
        return Result(rule.key, None, None, len(known) + dont_know, expected, final=False)
    return _final(form, rule, sum(known) / len(known), len(known) + dont_know, expected)


def _of_results(form: Form, rule: ResultRule, inputs: list[Result]) -> Result:
    finals = [r for r in inputs if r.final]
    scored = [r for r in finals if r.score is not None]
    if rule.method == "max":
        return _max_of(form, rule, [r.level for r in scored], [r.score for r in scored], len(inputs), len(finals))
    if len(finals) < len(inputs):
        return Result(rule.key, None, None, len(finals), len(inputs), final=False)
    if any(r.finding == NOT_ENOUGH_KNOWLEDGE for r in finals):
        return Result(rule.key, None, None, len(finals), len(inputs), finding=NOT_ENOUGH_KNOWLEDGE)
    values = [r.score for r in scored]
    if not values:
        return Result(rule.key, None, None, len(finals), len(inputs))
    return _final(form, rule, sum(values) / len(values), len(finals), len(inputs))  # a mean (the lint allows no other)


def _max_of(form: Form, rule: ResultRule, levels: list, values: list[float], expected: int, known: int | None = None) -> Result:
    """The highest input: final once every input is known, or once it reaches the top level."""
    known = len(values) if known is None else known
    bound = max(values) if values else None
    level = None
    for found in levels:
        level = higher_level(form, rule, level, found)
    top = form.level_set(rule.levels or "")[-1:] if rule.levels else ()
    if known == expected or (level is not None and top and level.id == top[0].id):
        score = round_half_up(bound, rule.decimals) if bound is not None else None
        return Result(rule.key, score, level, known, expected)
    return Result(rule.key, None, None, known, expected, final=False, bound=bound, bound_level=level)


def _any(form: Form, rule: ResultRule, answers: Answers, shown: set[str], done: dict[str, Result]) -> Result:
    """Yes as soon as one condition holds (a "Don't know" holds by precaution, until it is resolved);
    no only when every condition is known to be false."""
    holds, by_precaution, known = False, False, 0
    for cond in rule.conditions:
        state = condition_state(form, cond, answers, shown, done)
        holds = holds or state == "holds"
        by_precaution = by_precaution or state == "dont_know"
        known += state in ("holds", "false")
    n = len(rule.conditions)
    if holds or by_precaution:
        return _final(form, rule, 1.0, known, n, finding=None if holds else UNTIL_RESOLVED)
    if known == n:
        return _final(form, rule, 0.0, known, n)
    return Result(rule.key, None, None, known, n, final=False)


def condition_state(form: Form, cond, answers: Answers, shown: set[str], done: dict[str, Result]) -> str:
    """holds | false | dont_know | unknown: one condition of an `any` rule, given the answers, the applicable
    questions and the results scored so far (the workbook's formulas test the same)."""
    if cond.question is not None:
        if cond.question not in shown:
            return "false"  # a hidden question cannot hold
        answer = answers.get(cond.question)
        if answer == DONT_KNOW:
            return "dont_know"
        if answer is None or answer == "" or answer == []:
            return "unknown"
        return "holds" if _chosen(answer) & set(cond.values) else "false"
    result = done[cond.result]
    rule = form.result(cond.result)
    if result.final:
        if result.level is None:  # nothing to rate (every input hidden) is not a risk; a lack of knowledge decides nothing
            return "unknown" if result.finding == NOT_ENOUGH_KNOWLEDGE else "false"
        return "holds" if result.level.id in cond.values else "false"
    # A provisional highest risk holds once its lower bound and every level above it are among the values.
    order = [lv.id for lv in form.level_set(rule.levels or "")] if rule else []
    if result.bound_level is not None and result.bound_level.id in order:
        if set(order[order.index(result.bound_level.id) :]) <= set(cond.values):
            return "holds"
    return "unknown"


def _value(question: Question, answer: Answer | None) -> float | None:
    if not isinstance(answer, str) or not question.has_choices:
        return None
    return question.value_of(answer)


def _chosen(answer: Answer | None) -> set[str]:
    if isinstance(answer, list):
        return {str(a) for a in answer}
    return {answer} if isinstance(answer, str) else set()
