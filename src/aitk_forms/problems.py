"""One catalogue of what can be wrong with a returned file's answers, worded the same way whatever the
format; readers and `validate` both report through it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """Something wrong with one answer (question set) or with the whole file (question None)."""

    question: str | None
    message: str
    severity: str = "warning"  # warning | error
    code: str = ""


# code: (severity, message)
CATALOGUE: dict[str, tuple[str, str]] = {
    # Found by a reader: the file's structure around an answer.
    "missing_control": ("error", "the answer {control} is missing from the file: the question could not be read"),
    "unknown_control": ("warning", "an answer control '{name}' that the form does not have"),
    "list_changed": ("error", "the list of answers was changed"),
    "text_changed": ("warning", "the question's text was changed in the file"),
    "error_value": ("warning", "the cell holds an error ({value})"),
    "not_yes": ("warning", "choice '{choice}': '{value}' is not '{yes}'"),
    "meta_visible": (
        "warning",
        "the hidden '_aitk' sheet is visible: the file was saved by a program that dropped its hidden state",
    ),
    # Found by validate: the value itself.
    "not_question": ("warning", "not a question of this form; the answer was set aside"),
    "not_choice": ("warning", "'{value}' is not one of the choices"),
    "not_choices": ("warning", "not among the choices: {values}"),
    "not_date": ("warning", "'{value}' is not a date (YYYY-MM-DD, for example 2024-03-31)"),
    "not_number": ("warning", "'{value}' is not a number"),
    "out_of_range": ("warning", "{value} is outside the allowed range ({low} to {high})"),
    "too_long": ("warning", "the answer has {length} characters, more than the limit of {limit}; it was set aside"),
    "control_characters": ("warning", "control characters in the answer were removed"),
    "not_applicable": ("warning", "answered although it does not apply (its condition is not met); not scored"),
    "required": ("warning", "required question not answered"),
}


def problem(code: str, question: str | None = None, /, **values: object) -> Problem:
    severity, template = CATALOGUE[code]
    return Problem(question, template.format(**values), severity, code)
