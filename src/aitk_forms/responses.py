"""The Response: what one returned file answered, independent of its format."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Form

# The keys of the identity written inside every generated file.
IDENTITY_KEYS = ("form", "version", "lang", "fingerprint", "content")


@dataclass(frozen=True)
class Identity:
    form: str
    version: str
    lang: str
    fingerprint: str
    content: str = "aitk"

    @classmethod
    def of(cls, form: Form, lang: str, content_name: str = "aitk") -> Identity:
        return cls(form.id, form.version, lang, form.fingerprint, content_name)

    def as_dict(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in IDENTITY_KEYS}


@dataclass(frozen=True)
class Problem:
    """Something wrong with one answer (question set) or with the whole file (question None)."""

    question: str | None
    message: str
    severity: str = "warning"  # warning | error


@dataclass(frozen=True)
class Response:
    identity: Identity
    answers: dict = field(default_factory=dict)  # question id -> choice id, [choice ids], str or number
    problems: tuple[Problem, ...] = ()
    format: str = ""
    path: str = ""
