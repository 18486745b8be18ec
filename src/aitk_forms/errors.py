"""One place for the problems the tool reports, and the exceptions that carry them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem found in a file, printed as `file:line: message`."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ContentError(Exception):
    """The content did not load; `diagnostics` lists every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class UnreadableFile(Exception):
    """A returned file that cannot be read as one of our forms; the message says why and what to do."""


class UsageError(Exception):
    """A request the tool cannot carry out as asked (unknown form, language or format)."""


class MissingDependency(UsageError):
    """Something the machine lacks (a font, a system package); the message names what to install."""


# Messages about content. Keeping them here keeps the wording consistent.
MSG = {
    "yaml": "not valid YAML: {error}",
    "not_mapping": "{where} must be a mapping",
    "not_list": "{where} must be a list",
    "missing": "{where} has no '{field}'",
    "unknown_field": "{where} has an unknown field '{field}'",
    "bad_id": "{where} id '{id}' must match [a-z][a-z0-9_]*",
    "bad_choice_id": "{where}: choice id '{id}' must match [a-z0-9][a-z0-9_]*",
    "duplicate_id": "{where} id '{id}' is used twice (first at line {first})",
    "no_english": "{where} has no English text",
    "bad_kind": "question '{id}' has an unknown kind '{kind}' (known: {known})",
    "no_choices": "question '{id}' of kind {kind} has no choices",
    "unknown_scale": "question '{id}' uses an unknown scale '{scale}'",
    "empty_scale": "scale '{scale}' has no points",
    "scale_without_values": "scale '{scale}' has no point with a numeric value",
    "unknown_condition_question": "question '{id}' is shown if unknown question '{other}'",
    "condition_not_earlier": "question '{id}' is shown if question '{other}', which comes after it",
    "condition_not_choice": "question '{id}' is shown if '{other}', which has no choices",
    "unknown_condition_choice": "question '{id}' is shown if '{other}' is '{choice}', not one of its choices",
    "unknown_group": "section '{id}' names an unknown group '{group}'",
    "unknown_method": "result '{key}' has an unknown method '{method}' (known: {known})",
    "unknown_rule_question": "result '{key}' names an unknown question '{question}'",
    "rule_question_not_scored": "result '{key}' uses question '{question}', which has no scored values",
    "unknown_rule_result": "result '{key}' names an unknown or later result '{result}'",
    "unknown_rule_section": "result '{key}' names an unknown section '{section}'",
    "unknown_level_set": "result '{key}' uses an unknown level set '{levels}'",
    "unknown_level": "result '{key}' names an unknown level '{level}' of result '{result}'",
    "rule_no_inputs": "result '{key}' ({method}) has no inputs",
    "level_bounds": "level '{id}' needs 'min' and exactly one of 'below' or 'max'",
    "level_gap": "level set '{levels}' leaves a gap between {a} and {b}",
    "level_overlap": "level set '{levels}' overlaps between {a} and {b}",
    "level_not_covered": "result '{key}': score {score} falls in no level of '{levels}'",
    "level_range": "result '{key}': scores run from {low} to {high}, level set '{levels}' covers {lo} to {hi}",
    "unknown_respondent": "{field} field '{question}' is not a question of the form",
    "unknown_floor": "choice '{choice}' of '{question}' raises to level '{level}', which result '{key}' ({levels}) lacks",
    "bad_dont_know": "result '{key}': dont_know must be 'unanswered' or 'excluded', not '{value}'",
    "missing_form": "form '{form}' is missing (expected {file})",
    "bad_number_bounds": "question '{id}': min must be below max",
    "missing_ui": "ui text '{key}' is missing",
    "checklist_kind": "question '{id}' is a checklist but of kind {kind}: only multi_choice questions can be checklists",
    "not_applicable_kind": "question '{id}' of kind {kind} cannot offer 'Not applicable' (scale, yes_no or single_choice can)",
    "method_over_results": "result '{key}': a result of other results must be a mean or a max, not {method}",
    "bad_factor": "result '{key}': a factor must be a question id or {{higher_of: [two or more question ids]}}",
    "factor_outside_product": "result '{key}': higher_of is only for product results",
    "factor_condition": "result '{key}': question '{question}' of a higher_of factor has a show_if; a product needs every factor",
    "history_unmapped": (
        "question '{question}' of version {version} is gone from the current form: list it under renamed, split or removed"
    ),
    "history_target": "{field} maps '{question}' to '{target}', which is not a question of the current form",
}


def message(name: str, /, **values: object) -> str:
    return MSG[name].format(**values)


def printable(text: str, limit: int = 80) -> str:
    """Text from inside a file, fit to quote in a message: no control characters, not too long."""
    clean = "".join(c if c.isprintable() else "?" for c in text[: limit * 2])
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
