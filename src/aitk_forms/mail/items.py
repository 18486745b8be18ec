"""What reading mail yields: attachments with their provenance, the parts set aside with a reason, and the limits.

The reasons are written for a coordinator, in one place, so that every mail problem reads the same way.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import PurePosixPath

from .. import limits as bounds

MiB = 1024 * 1024

SAVE = "save the attachment from your mail program and import the file"
REASONS = {
    # ignored: not a form, listed so that nothing is lost
    "picture": "a picture ({name}), such as a logo in a signature: not a form",
    "calendar": "a calendar invitation, not a form",
    "vcard": "a contact card (vCard), not a form",
    "not_form": "a file that is not a form (aitk-forms reads Excel, Word and PDF forms and web-form answer files)",
    "auto_reply": "an automatic reply (out of office or similar), not a returned form",
    "bounce": "a delivery failure notice (bounce){whom}: a message did not reach its recipient; check the address",
    "receipt": "a read or delivery receipt, not a returned form",
    "reference": "a link to a file kept elsewhere, not an attached file: ask the sender to attach the form itself",
    "ole_object": "an object embedded in an Outlook message, not an attached file",
    "empty_tnef": "Outlook's winmail.dat holds no attached file",
    # rejected: may hold a form that could not be read
    "encrypted_smime": "an encrypted message (S/MIME): open it in your mail program, save the attachment and import the file",
    "encrypted_pgp": "an encrypted message (PGP/MIME): open it in your mail program, save the attachment and import the file",
    "compressed_smime": "a compressed S/MIME message, which aitk-forms does not read: " + SAVE,
    "signed_unreadable": "a signed message (S/MIME) whose content could not be read ({what}): " + SAVE,
    "too_many_parts": "the message has more than {limit} parts (a hostile message?): it was not read; " + SAVE,
    "too_deep": "nested more than {limit} levels deep (messages forwarded inside messages, or archives inside "
    "archives): not read; " + SAVE,
    "attachment_too_big": "the attachment is {size}, more than the {limit} limit for one attachment: not read",
    "message_too_big": "the message is {size}, more than the {limit} limit for one message: not read; " + SAVE,
    "too_many_messages": "the mailbox holds more than {limit} messages; those after number {limit} were not read: "
    "split the mailbox (for example by month) and import the parts",
    "out_of_memory": "reading the message needed more memory than the limit for reading mail (a hostile message?): it "
    "was stopped; " + SAVE,
    "damaged_message": "the message is damaged and could not be read ({what}): " + SAVE,
    "damaged_part": "a part of the message is damaged and could not be read ({what}): " + SAVE,
    "boundary": "the message's MIME structure is damaged (the boundary between its parts is missing or wrong), "
    "so its attachments could not be separated: " + SAVE,
    "damaged_tnef": "Outlook's winmail.dat is damaged ({what}): ask the sender to attach the form again, with "
    "the message in HTML or plain text rather than Rich Text",
    "damaged_msg": "the Outlook message is damaged ({what}): " + SAVE,
    "archive": "the zip archive cannot be opened: {what}",
    "archive_nested": "a zip archive inside more archives than the limit of {limit}: not opened; unpack it and import the files",
    "not_mail": "not a mail file aitk-forms can read ({what})",
}


def reason(name: str, /, **values: object) -> str:
    return REASONS[name].format(**values)


def size_text(size: int) -> str:
    """A size as a coordinator reads it: '2048.0 MB', '0.2 MB', '12 KB'."""
    return f"{size / MiB:.1f} MB" if size >= MiB // 10 else f"{max(size // 1024, 1)} KB"


@dataclass(frozen=True)
class MailLimits:
    """Bounds on what one mail container may make the reader do; a hostile message exceeds them, a real one never."""

    messages_per_mbox: int = bounds.MAIL_MESSAGES_PER_MBOX
    parts_per_message: int = bounds.MAIL_PARTS_PER_MESSAGE
    depth: int = bounds.MAIL_DEPTH
    attachment_bytes: int = bounds.MAIL_ATTACHMENT_BYTES
    message_bytes: int = bounds.MAIL_MESSAGE_BYTES
    archives_in_archives: int = bounds.MAIL_ARCHIVES_IN_ARCHIVES


DEFAULT_LIMITS = MailLimits()


@dataclass(frozen=True)
class Source:
    """The message an attachment came from, for the import log and `import --json`."""

    container: str  # the .eml/.mbox/.msg file name, the Maildir folder name, or imaps://host/FOLDER
    message_id: str | None
    sender: str | None
    date: str | None  # ISO 8601 when the Date header could be read, else its text
    subject: str | None
    key: str | None = None  # message_key(): lets an importer skip the message next time

    def as_json(self) -> dict:
        return {
            "container": self.container,
            "message_id": self.message_id,
            "from": self.sender,
            "date": self.date,
            "subject": self.subject,
        }

    @property
    def sender_address(self) -> str | None:
        """The bare address of the sender, to compare with a respondent's address."""
        address = parseaddr(self.sender or "")[1]
        return address.lower() or None


@dataclass(frozen=True)
class Attachment:
    """A file found in a message that may be a form; the importer sniffs and reads it like a file on disk."""

    path: str  # "inbox.mbox#12/unit-7.xlsx"; nested: "a.eml#1/fwd.eml/unit.xlsx", "inbox.mbox#3/forms.zip/x.xlsx"
    name: str  # a safe file name: no folders, no control characters
    data: bytes
    source: Source


@dataclass(frozen=True)
class Skipped:
    """A part or message that is not a form ("ignored") or could not be read ("rejected"), with the reason."""

    path: str
    source: Source | None
    status: str  # "ignored" | "rejected"
    reason: str


# Characters that make a name display as something it is not (right-to-left overrides and isolates).
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_UNSAFE = set('<>:"|?*')
MAX_NAME_CHARS = 150


def safe_name(name: str | None, fallback: str) -> str:
    """A file name fit to show and to save: the last component only, no control characters, never empty."""
    text = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    text = text.rsplit("/", 1)[-1]
    text = "".join(
        "_" if c in _UNSAFE else c
        for c in text
        if c not in _BIDI_CONTROLS and unicodedata.category(c) not in ("Cc", "Cs", "Zl", "Zp")
    )
    text = text.strip(" .")
    if not text:
        return fallback
    if len(text) > MAX_NAME_CHARS:
        suffix = "".join(PurePosixPath(text).suffixes[-2:])[:20]
        text = text[: MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix
    return text
