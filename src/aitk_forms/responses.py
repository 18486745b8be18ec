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


IDENTITY_MESSAGES = {
    "incomplete": "the form identifier inside the file is incomplete (missing {keys}): ask for the original file",
    "unknown_form": "made for form '{form}', which this content does not have (known: {known})",
    "unknown_lang": "made in language '{lang}', which this content does not have",
    "version": "made from content version {found}; this content is version {expected}",
    "fingerprint": "the form's structure was changed (fingerprint {found}, expected {expected}): answers may be misread",
}


def resolve_identity(meta: dict[str, str], content) -> tuple[Identity, Form, list[Problem]]:
    """The identity written inside a file, the form it names (the current one, or one kept in the content's
    history for its version), and the problems with it; UnreadableFile when no form can be named."""
    from .errors import UnreadableFile

    lacking = [key for key in IDENTITY_KEYS if not meta.get(key)]
    if lacking:
        raise UnreadableFile(IDENTITY_MESSAGES["incomplete"].format(keys=", ".join(lacking)))
    current = content.form(meta["form"])
    if current is None:
        known = ", ".join(f.id for f in content.forms)
        raise UnreadableFile(IDENTITY_MESSAGES["unknown_form"].format(form=meta["form"], known=known))
    if meta["lang"] not in content.languages:
        raise UnreadableFile(IDENTITY_MESSAGES["unknown_lang"].format(lang=meta["lang"]))
    form = content.form_version(current.id, meta["version"]) or current
    problems = []
    if meta["version"] != form.version:
        problems.append(Problem(None, IDENTITY_MESSAGES["version"].format(found=meta["version"], expected=form.version)))
    if meta["fingerprint"] != form.fingerprint:
        found, expected = meta["fingerprint"], form.fingerprint
        problems.append(Problem(None, IDENTITY_MESSAGES["fingerprint"].format(found=found, expected=expected), "error"))
    return Identity(*(meta[key] for key in IDENTITY_KEYS)), form, problems
