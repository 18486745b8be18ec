"""The typed, frozen content model: forms, sections, questions, scales, levels and results."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

SOURCE_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})

CHOICE_KINDS = frozenset({"single_choice", "multi_choice", "yes_no", "scale"})
TEXT_KINDS = frozenset({"text", "long_text"})
QUESTION_KINDS = CHOICE_KINDS | TEXT_KINDS | {"date", "number"}
# The choice `not_applicable: true` adds to a question: neither a low score nor missing (the question is left
# out of every result it feeds).
NOT_APPLICABLE = "not_applicable"


def is_rtl(lang: str) -> bool:
    """True for languages written right to left."""
    return lang.split("-")[0] in RTL_LANGUAGES


@dataclass(frozen=True)
class Text:
    """A human text in every language it has; English is the source."""

    path: str
    values: tuple[tuple[str, str], ...]

    def get(self, lang: str) -> str:
        """The text in `lang`, or the English source where it has no translation."""
        found = self.translation(lang)
        return found if found is not None else dict(self.values)[SOURCE_LANGUAGE]

    def translation(self, lang: str) -> str | None:
        return dict(self.values).get(lang)

    @property
    def source(self) -> str:
        return dict(self.values)[SOURCE_LANGUAGE]

    def with_translation(self, lang: str, value: str) -> Text:
        kept = tuple((k, v) for k, v in self.values if k != lang)
        return Text(self.path, kept + ((lang, value),))


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text
    description: Text | None = None
    value: float | None = None  # None: not scored (for example "Don't know")
    floor: str | None = None  # a level id: a result scored from this answer is at least this level


@dataclass(frozen=True)
class Condition:
    """Shown only when `question` has one of `values` (choice ids)."""

    question: str
    values: tuple[str, ...]


def companion_id(checklist_id: str) -> str:
    """The id of the question the loader adds after a checklist: its items that do not apply."""
    return f"{checklist_id}_not_applicable"


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    label: Text
    help: Text | None = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    scale: str | None = None
    show_if: Condition | None = None
    minimum: float | None = None
    maximum: float | None = None
    line: int = 0
    checklist: bool = False  # multi-choice: its completeness is the share of its items ticked
    not_applicable_for: str | None = None  # the checklist whose items this generated question marks as not applying

    @property
    def has_choices(self) -> bool:
        return self.kind in CHOICE_KINDS

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)

    def value_of(self, choice_id: str) -> float | None:
        found = self.choice(choice_id)
        return found.value if found else None


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    questions: tuple[Question, ...]
    intro: Text | None = None
    group: str | None = None
    recommendation: Text | None = None
    line: int = 0


@dataclass(frozen=True)
class Group:
    id: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class Level:
    """One named band of scores: minimum <= score < below (or <= maximum for the top one)."""

    id: str
    label: Text
    minimum: float
    below: float | None = None
    maximum: float | None = None
    recommendation: Text | None = None
    line: int = 0

    def contains(self, score: float) -> bool:
        if score < self.minimum:
            return False
        if self.below is not None:
            return score < self.below
        return self.maximum is not None and score <= self.maximum


@dataclass(frozen=True)
class ResultCondition:
    """A clause of an `any` result: a question answered with one of `values`, or a result's level."""

    question: str | None = None
    result: str | None = None
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultRule:
    key: str
    label: Text
    method: str  # mean | product | max | completeness | any
    questions: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    conditions: tuple[ResultCondition, ...] = ()
    levels: str | None = None
    decimals: int = 2
    line: int = 0
    section: str | None = None
    dont_know: str = "unanswered"  # mean: "unanswered" blocks a final result; "excluded": answered, not scored
    # product: its factors, each one question or the higher of several (`{higher_of: [a, b]}` in the YAML)
    factors: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Form:
    id: str
    version: str
    title: Text
    description: Text | None
    sections: tuple[Section, ...]
    groups: tuple[Group, ...] = ()
    levels: tuple[tuple[str, tuple[Level, ...]], ...] = ()
    results: tuple[ResultRule, ...] = ()
    respondent: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()  # the questions that identify what is assessed (never the person answering)
    source_file: str = ""
    renamed: tuple[tuple[str, str], ...] = ()  # in an older version: its question id -> the current id
    split: tuple[tuple[str, tuple[str, ...]], ...] = ()  # in an older version: its question id -> current ids (answer copied)
    removed: tuple[str, ...] = ()  # in an older version: its questions with no current counterpart
    scale_titles: tuple[tuple[str, Text], ...] = ()  # scale name -> its title, where it has one
    short_title: Text | None = None  # for sheet tabs and other tight places (at most 31 characters in English)

    def scale_title(self, name: str | None) -> Text | None:
        return dict(self.scale_titles).get(name or "")

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, question_id: str) -> Question | None:
        return self.question_index.get(question_id)

    @property
    def question_index(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions()}

    def level_set(self, name: str) -> tuple[Level, ...]:
        return dict(self.levels).get(name, ())

    def result(self, key: str) -> ResultRule | None:
        return next((r for r in self.results if r.key == key), None)

    def rule_questions(self, rule: ResultRule) -> tuple[Question, ...]:
        """The questions a result reads: those it names, or its section's (scored ones for a mean)."""
        index = self.question_index
        if rule.questions:
            return tuple(index[q] for q in rule.questions if q in index)
        section = next((s for s in self.sections if s.id == rule.section), None)
        if section is None:
            return ()
        if rule.method == "completeness":
            return tuple(q for q in section.questions if q.not_applicable_for is None)
        return tuple(q for q in section.questions if any(c.value is not None for c in q.choices))

    def rule_factors(self, rule: ResultRule) -> tuple[tuple[Question, ...], ...]:
        """The inputs of a rule read from questions, as factors: each one question, or the questions whose
        higher answer it takes (`{higher_of: [a, b]}` in the content)."""
        ids = rule.factors or tuple((q.id,) for q in self.rule_questions(rule))
        index = self.question_index
        found = (tuple(index[i] for i in factor if i in index) for factor in ids)
        return tuple(factor for factor in found if factor)

    def section_of(self, question_id: str) -> Section | None:
        return next((s for s in self.sections if any(q.id == question_id for q in s.questions)), None)

    def group(self, group_id: str) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)

    @property
    def fingerprint(self) -> str:
        """A short hash of the structure: question ids, kinds and choice ids, in order."""
        parts = [self.id]
        for q in self.questions():
            parts.append(f"{q.id}:{q.kind}:{','.join(c.id for c in q.choices)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def texts(self) -> Iterator[Text]:
        """Every human text of the form, in reading order."""
        yield self.title
        if self.short_title:
            yield self.short_title
        if self.description:
            yield self.description
        for g in self.groups:
            yield from _present(g.title, g.description)
        for _, title in self.scale_titles:
            yield title
        for s in self.sections:
            yield from _present(s.title, s.intro, s.recommendation)
            for q in s.questions:
                yield from _present(q.label, q.help)
                for c in q.choices:
                    yield from _present(c.label, c.description)
        for _, levels in self.levels:
            for lv in levels:
                yield from _present(lv.label, lv.recommendation)
        for r in self.results:
            yield r.label


def _present(*texts: Text | None) -> Iterator[Text]:
    yield from (t for t in texts if t is not None)


@dataclass(frozen=True)
class Content:
    """The whole content set: its forms, fixed interface texts and languages."""

    name: str
    version: str
    source: Text
    languages: tuple[str, ...]
    forms: tuple[Form, ...]
    ui: tuple[tuple[str, Text], ...] = ()
    root: str = "content"
    history: tuple[Form, ...] = ()  # older versions of forms, from content/history/<version>/

    def form(self, form_id: str) -> Form | None:
        return next((f for f in self.forms if f.id == form_id), None)

    def form_version(self, form_id: str, version: str) -> Form | None:
        """The form as it was in `version`: the current one, or one kept in the history."""
        current = self.form(form_id)
        if current is not None and current.version == version:
            return current
        return next((f for f in self.history if f.id == form_id and f.version == version), None)

    def text(self, key: str, lang: str) -> str:
        """A fixed interface text (from ui.yaml) in `lang`."""
        return dict(self.ui)[key].get(lang)

    def ui_texts(self) -> Iterator[Text]:
        yield self.source
        for _, t in self.ui:
            yield t
