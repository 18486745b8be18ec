"""Cross-reference checks on a loaded form: conditions, groups, results and level coverage."""

from __future__ import annotations

from itertools import product as cartesian

from .errors import Diagnostic, message
from .model import Form, Level, ResultRule

METHODS = ("mean", "product", "max", "completeness", "any")
_MAX_DISCRETE = 10_000


def check_form(form: Form) -> list[Diagnostic]:
    """Every cross-reference problem of `form`, each with its file and line."""
    found: list[tuple[int, str]] = []
    found += _check_questions(form)
    found += _check_results(form)
    for name, levels in form.levels:
        found += _check_level_set(name, levels)
    return [Diagnostic(form.source_file, line, text) for line, text in found]


def _check_questions(form: Form) -> list[tuple[int, str]]:
    found = []
    order = {q.id: i for i, q in enumerate(form.questions())}
    group_ids = {g.id for g in form.groups}
    for section in form.sections:
        if section.group and section.group not in group_ids:
            found.append((section.line, message("unknown_group", id=section.id, group=section.group)))
    for q in form.questions():
        if q.kind == "number" and q.minimum is not None and q.maximum is not None and q.minimum >= q.maximum:
            found.append((q.line, message("bad_number_bounds", id=q.id)))
        cond = q.show_if
        if cond is None:
            continue
        other = form.question(cond.question)
        if other is None:
            found.append((q.line, message("unknown_condition_question", id=q.id, other=cond.question)))
        elif order[other.id] >= order[q.id]:
            found.append((q.line, message("condition_not_earlier", id=q.id, other=other.id)))
        elif not other.has_choices:
            found.append((q.line, message("condition_not_choice", id=q.id, other=other.id)))
        else:
            for value in cond.values:
                if other.choice(value) is None:
                    found.append((q.line, message("unknown_condition_choice", id=q.id, other=other.id, choice=value)))
    return found


def _check_results(form: Form) -> list[tuple[int, str]]:
    found = []
    earlier: dict[str, ResultRule] = {}
    domains: dict[str, tuple[float, float, frozenset[float] | None]] = {}
    for rule in form.results:
        problems = _check_rule_inputs(form, rule, earlier)
        found += [(rule.line, p) for p in problems]
        if not problems:
            domains[rule.key] = _domain(form, rule, domains)
            if rule.levels is not None:
                levels = form.level_set(rule.levels)
                if not levels:
                    found.append((rule.line, message("unknown_level_set", key=rule.key, levels=rule.levels)))
                else:
                    found += [(rule.line, p) for p in _check_coverage(rule, levels, domains[rule.key])]
        earlier[rule.key] = rule
    return found


def _check_floors(form: Form, rule: ResultRule) -> list[str]:
    """A floor names a level of every result scored from its question."""
    ids = {lv.id for lv in form.level_set(rule.levels or "")}
    found = []
    for q in form.rule_questions(rule) if rule.method != "any" else ():
        for choice in q.choices:
            if choice.floor is not None and choice.floor not in ids:
                levels = rule.levels or "no levels"
                found.append(
                    message("unknown_floor", choice=choice.id, question=q.id, level=choice.floor, key=rule.key, levels=levels)
                )
    return found


def _check_rule_inputs(form: Form, rule: ResultRule, earlier: dict[str, ResultRule]) -> list[str]:
    if rule.method not in METHODS:
        return [message("unknown_method", key=rule.key, method=rule.method, known=", ".join(METHODS))]
    problems = []
    for qid in rule.questions:
        q = form.question(qid)
        if q is None:
            problems.append(message("unknown_rule_question", key=rule.key, question=qid))
        elif rule.method != "completeness" and not any(c.value is not None for c in q.choices):
            problems.append(message("rule_question_not_scored", key=rule.key, question=qid))
    if rule.results and rule.method not in ("mean", "max"):
        problems.append(message("method_over_results", key=rule.key, method=rule.method))
    for key in rule.results:
        if key not in earlier:
            problems.append(message("unknown_rule_result", key=rule.key, result=key))
    if rule.section and not any(s.id == rule.section for s in form.sections):
        problems.append(message("unknown_rule_section", key=rule.key, section=rule.section))
    for cond in rule.conditions:
        problems += _check_any_condition(form, rule, cond, earlier)
    if rule.dont_know not in ("unanswered", "excluded"):
        problems.append(message("bad_dont_know", key=rule.key, value=rule.dont_know))
    problems += _check_floors(form, rule)
    problems += _check_factors(form, rule)
    has_inputs = rule.questions or rule.results or rule.conditions or (rule.section and form.rule_questions(rule))
    if not problems and not has_inputs:
        problems.append(message("rule_no_inputs", key=rule.key, method=rule.method))
    return problems


def _check_factors(form: Form, rule: ResultRule) -> list[str]:
    """`higher_of` belongs to products, and a product cannot wait for a question that may stay hidden."""
    if not rule.factors:
        return []
    if rule.method != "product":
        return [message("factor_outside_product", key=rule.key)]
    return [
        message("factor_condition", key=rule.key, question=q.id)
        for factor in rule.factors
        if len(factor) > 1
        for qid in factor
        if (q := form.question(qid)) is not None and q.show_if is not None
    ]


def check_history(current: Form, older: Form) -> list[Diagnostic]:
    """Every question of an older version is brought forward (renamed, split) or declared removed, and every
    target is a question of the current form."""
    found: list[tuple[int, str]] = []
    index = current.question_index
    mapped = dict(older.renamed) | {old: "" for old, _ in older.split} | {old: "" for old in older.removed}
    for q in older.questions():
        if q.not_applicable_for is None and q.id not in index and q.id not in mapped:
            found.append((q.line, message("history_unmapped", question=q.id, version=older.version)))
    targets = [("renamed", old, new) for old, new in older.renamed]
    targets += [("split", old, new) for old, news in older.split for new in news]
    for field, old, new in targets:
        if new not in index:
            found.append((0, message("history_target", field=field, question=old, target=new)))
    return [Diagnostic(older.source_file, line, text) for line, text in found]


def _check_any_condition(form: Form, rule: ResultRule, cond, earlier: dict[str, ResultRule]) -> list[str]:
    if cond.question is not None:
        q = form.question(cond.question)
        if q is None:
            return [message("unknown_rule_question", key=rule.key, question=cond.question)]
        return [
            message("unknown_condition_choice", id=rule.key, other=q.id, choice=v) for v in cond.values if q.choice(v) is None
        ]
    target = earlier.get(cond.result or "")
    if target is None:
        return [message("unknown_rule_result", key=rule.key, result=cond.result)]
    known = {lv.id for lv in form.level_set(target.levels or "")}
    return [message("unknown_level", key=rule.key, level=v, result=target.key) for v in cond.values if v not in known]


def _domain(form: Form, rule: ResultRule, domains: dict) -> tuple[float, float, frozenset[float] | None]:
    """The lowest and highest score `rule` can give, and every possible score where they are few."""
    if rule.method == "any":
        return 0.0, 1.0, frozenset({0.0, 1.0})
    if rule.method == "completeness":
        return 0.0, 100.0, None
    if rule.results:
        parts = [domains[k] for k in rule.results if k in domains]
        low, high = min(p[0] for p in parts), max(p[1] for p in parts)
        if rule.method == "max" and all(p[2] is not None for p in parts):
            return low, high, frozenset().union(*(p[2] for p in parts))
        return low, high, None
    # a factor "the higher of" takes any value of its questions
    values = [sorted({c.value for q in factor for c in q.choices if c.value is not None}) for factor in form.rule_factors(rule)]
    if rule.method == "product":
        count = 1
        for v in values:
            count *= len(v)
        if count <= _MAX_DISCRETE:
            scores = frozenset(_multiply(combo) for combo in cartesian(*values))
            return min(scores), max(scores), scores
        return _multiply(v[0] for v in values), _multiply(v[-1] for v in values), None
    flat = frozenset(x for v in values for x in v)
    return min(flat), max(flat), flat if rule.method == "max" else None


def _multiply(numbers) -> float:
    total = 1.0
    for n in numbers:
        total *= n
    return total


def _check_coverage(rule: ResultRule, levels: tuple[Level, ...], domain) -> list[str]:
    low, high, discrete = domain
    if discrete is not None:
        problems = []
        for score in sorted(discrete):
            holders = [lv.id for lv in levels if lv.contains(score)]
            if len(holders) != 1:
                problems.append(message("level_not_covered", key=rule.key, score=_fmt(score), levels=rule.levels))
        return problems
    ordered = sorted(levels, key=lambda lv: lv.minimum)
    top = ordered[-1].maximum if ordered[-1].maximum is not None else ordered[-1].below
    if ordered[0].minimum > low or top is None or top < high:
        return [
            message(
                "level_range",
                key=rule.key,
                low=_fmt(low),
                high=_fmt(high),
                levels=rule.levels,
                lo=_fmt(ordered[0].minimum),
                hi=_fmt(top if top is not None else ordered[0].minimum),
            )
        ]
    return []


def _check_level_set(name: str, levels: tuple[Level, ...]) -> list[tuple[int, str]]:
    found = []
    ordered = sorted(levels, key=lambda lv: lv.minimum)
    for a, b in zip(ordered, ordered[1:], strict=False):
        end = a.below if a.below is not None else a.maximum
        if end is None:
            continue
        if a.below is None or end > b.minimum:
            found.append((b.line, message("level_overlap", levels=name, a=a.id, b=b.id)))
        elif end < b.minimum:
            found.append((b.line, message("level_gap", levels=name, a=a.id, b=b.id)))
    return found


def _fmt(value: float) -> str:
    return f"{value:g}"
