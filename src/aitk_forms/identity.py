"""The identity written inside every generated file, and the one decision on what a file's identity
means: the current form, an older version kept in the history, or a file this content cannot score."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import UnreadableFile, printable
from .model import Content, Form
from .problems import Problem

REQUIRED_KEYS = ("form", "version", "lang", "fingerprint", "content")  # in the order files have always carried them
OPTIONAL_KEYS = ("round", "unit")
IDENTITY_KEYS = REQUIRED_KEYS + OPTIONAL_KEYS

MESSAGES = {
    "not_ours": "not a form made by aitk-forms (no form identity inside): ask the respondent to fill in the form "
    "that was sent, not a copy or a new document",
    "incomplete": "the form identity inside the file is incomplete (missing {keys}): ask for the original file",
    "foreign": "made from another form set ('{found}'; this content is '{expected}'): it cannot be scored with these forms",
    "unknown_form": "made for an unknown form '{form}' (this content has {known})",
    "unknown_lang": "made in an unknown language '{lang}'",
    "unknown_version": "made from content version {found} of the {form} form; this build reads version {readable}: "
    "send the respondent a new form built from the current content",
    "fingerprint": "the form's structure does not match its version (questions or choices were changed): "
    "the answers cannot be trusted; send the respondent a new form",
    "older": "made from content version {old}; imported with version {old}'s rules",
}


@dataclass(frozen=True)
class Identity:
    form: str
    version: str
    lang: str
    fingerprint: str
    content: str = "aitk"
    round: str | None = None
    unit: str | None = None

    @classmethod
    def of(cls, form: Form, lang: str, content_name: str = "aitk", round: str | None = None, unit: str | None = None):
        return cls(form.id, form.version, lang, form.fingerprint, content_name, round, unit)

    def as_dict(self) -> dict[str, str]:
        """The keys written into a file: the optional ones only where given."""
        keys = REQUIRED_KEYS + tuple(k for k in OPTIONAL_KEYS if getattr(self, k))
        return {key: getattr(self, key) for key in keys}


@dataclass(frozen=True)
class Decision:
    identity: Identity
    form: Form  # the form the file was made from: current, or an older version from the history
    current: Form  # today's version of that form
    problems: tuple[Problem, ...] = field(default=())

    @property
    def older(self) -> bool:
        return self.form is not self.current


def decide(meta: dict[str, str], content: Content) -> Decision:
    """What the identity found in a file means for `content`; UnreadableFile when no form can score it."""
    meta = {key: str(value) for key, value in meta.items() if value not in (None, "")}
    if not any(meta.get(key) for key in ("form", "version", "lang")):
        raise UnreadableFile(MESSAGES["not_ours"])
    found = meta.get("content", "aitk")
    if found != content.name:
        raise UnreadableFile(MESSAGES["foreign"].format(found=printable(found), expected=content.name))
    lacking = [key for key in ("form", "version", "lang", "fingerprint") if not meta.get(key)]
    if lacking:
        raise UnreadableFile(MESSAGES["incomplete"].format(keys=", ".join(lacking)))
    current = content.form(meta["form"])
    if current is None:
        known = ", ".join(f.id for f in content.forms)
        raise UnreadableFile(MESSAGES["unknown_form"].format(form=printable(meta["form"]), known=known))
    if meta["lang"] not in content.languages:
        raise UnreadableFile(MESSAGES["unknown_lang"].format(lang=printable(meta["lang"])))
    form = content.form_version(current.id, meta["version"])
    if form is None:
        readable = ", ".join([current.version] + [f.version for f in content.history if f.id == current.id])
        found = printable(meta["version"])
        raise UnreadableFile(MESSAGES["unknown_version"].format(found=found, form=current.id, readable=readable))
    if meta["fingerprint"] != form.fingerprint:
        raise UnreadableFile(MESSAGES["fingerprint"])
    identity = Identity(form.id, form.version, meta["lang"], form.fingerprint, content.name, meta.get("round"), meta.get("unit"))
    problems = (Problem(None, MESSAGES["older"].format(old=form.version), "warning", "older"),) if form is not current else ()
    return Decision(identity, form, current, problems)
