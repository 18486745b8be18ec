"""A returned file read and its answers checked: what every format comes back as, before scoring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .identity import Decision, Identity
from .model import Content, Form
from .problems import Problem
from .sniff import sniff
from .validate import check_values


@dataclass(frozen=True)
class Response:
    decision: Decision
    answers: dict  # question id -> choice id, [choice ids], ISO date, number or text; each one valid
    problems: tuple[Problem, ...]
    format: str
    saved_at: str | None = None  # the save time the file records, for the duplicate rule

    @property
    def identity(self) -> Identity:
        return self.decision.identity

    @property
    def form(self) -> Form:
        return self.decision.form


def read_response(path: Path | str, content: Content) -> Response:
    """Recognise the file's codec, read it and check each answer; UnreadableFile when it is not a form of
    `content`. Required questions and conditions are checked by the importer (validate.check_presence)."""
    path = Path(path)
    codec = sniff(path)
    raw = codec.read(path, content)
    answers, problems = check_values(raw.decision.form, raw.answers)
    problems = raw.decision.problems + raw.problems + tuple(problems)
    return Response(raw.decision, answers, problems, codec.name, raw.saved_at)
