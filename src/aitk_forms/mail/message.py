"""One raw RFC 5322 message to its attachments and set-aside parts, never raising for a damaged message."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime

from .items import DEFAULT_LIMITS, Attachment, MailLimits, Skipped, Source, reason, size_text
from .mime import PARSER, count_parts, decode_words, delimiter_count, failed_recipients, header_text
from .walk import Found, Where, walk_part

_HEADER_PARSER = BytesParser(policy=policy.compat32)
_FIELD = re.compile(rb"^([!-9;-~]{1,100})[ \t]*:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.MULTILINE)
_QUICK_FIELDS = {
    b"message-id",
    b"content-type",
    b"content-disposition",
    b"from",
    b"subject",
    b"auto-submitted",
    b"precedence",
    b"x-autoreply",
    b"x-autorespond",
}
_ANGLE = re.compile(r"<[^<>\s]+>")
_AUTOMATIC_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|autoreply|auto:|"
    r"r[ée]ponse automatique|absence du bureau|respuesta autom[áa]tica|fuera de la oficina|"
    r"automatische antwort|abwesenheitsnotiz|автоответ|автоматический ответ|自动回复|自動回覆|رد تلقائي)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail-daemon")
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification \(failure\)|returned mail|"
    r"mail delivery failed|failure notice|non remis|unzustellbar|no se puede entregar)",
    re.IGNORECASE,
)

Item = Attachment | Skipped


def header_block(raw: bytes) -> bytes:
    """The header section of a raw message: up to the first empty line."""
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if i >= 0]
    return raw[: min(ends) + 1] if ends else raw


def quick_headers(raw: bytes) -> dict[str, str]:
    """The first value of the header fields that decide whether a message needs parsing, unfolded, read without
    the email package (which costs ten times more for the many messages that carry nothing)."""
    fields: dict[str, str] = {}
    for match in _FIELD.finditer(header_block(raw)):
        name = match.group(1).lower()
        if name in _QUICK_FIELDS and name.decode() not in fields:
            value = match.group(2)
            if b"\n" in value:
                value = re.sub(rb"\s+", b" ", value)
            fields[name.decode()] = value.strip().decode("utf-8", "surrogateescape")
    return fields


def message_key(raw: bytes, headers: dict[str, str] | None = None) -> str:
    """A stable key for a message: its Message-ID when it has one, else the SHA-256 of its bytes."""
    value = (quick_headers(raw) if headers is None else headers).get("message-id", "")
    angled = _ANGLE.search(value)
    value = angled.group(0) if angled else value
    if value:
        return "message-id:" + value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def read_message(
    raw: bytes, container: str, label: str, limits: MailLimits = DEFAULT_LIMITS, key: str | None = None
) -> list[Item]:
    """The attachments and set-aside parts of one message. `label` starts every path ("inbox.mbox#12")."""
    headers = quick_headers(raw)
    return read_with_headers(raw, headers, container, label, limits, key or message_key(raw, headers))


def read_with_headers(
    raw: bytes, headers: dict[str, str], container: str, label: str, limits: MailLimits, key: str
) -> list[Item]:
    """read_message() for a caller that has read quick_headers() already."""
    try:
        return _read(raw, headers, container, label, limits, key)
    except MemoryError:  # the worker's memory limit at work: this message goes, the mailbox's others are still read
        return [Skipped(label, _quick_source(raw, container, key), "rejected", reason("out_of_memory"))]
    except Exception as error:  # a hostile message must not stop the mailbox: its reason names the damage
        return [Skipped(label, _quick_source(raw, container, key), "rejected", reason("damaged_message", what=_damage(error)))]


def _read(raw: bytes, headers: dict[str, str], container: str, label: str, limits: MailLimits, key: str) -> list[Item]:
    if len(raw) > limits.message_bytes:
        why = reason("message_too_big", size=size_text(len(raw)), limit=size_text(limits.message_bytes))
        return [Skipped(label, _quick_source(raw, container, key), "rejected", why)]
    if not _may_hold_files(headers):
        return []  # a message without attachments: nothing to list, and parsing it all would only cost time
    opened = delimiter_count(raw, limits.parts_per_message)
    if opened > limits.parts_per_message:
        why = reason("too_many_parts", limit=limits.parts_per_message)
        return [Skipped(label, _quick_source(raw, container, key), "rejected", why)]
    message = PARSER.parsebytes(raw)
    source = source_of(message, container, key)
    count = count_parts(message, limits.parts_per_message)
    if count > limits.parts_per_message:
        why = reason("too_many_parts", limit=limits.parts_per_message)
        return [Skipped(label, source, "rejected", why)]
    if _bounce(message):
        whom = failed_recipients(message)
        return [Skipped(label, source, "ignored", reason("bounce", whom=f" for {', '.join(whom)}" if whom else ""))]
    found = Found(source, limits)
    walk_part(message, Where(label), found)
    if _automatic(lambda name: header_text(message, name)) and not any(isinstance(item, Attachment) for item in found.items):
        return [Skipped(label, source, "ignored", reason("auto_reply"))]
    return found.items


def source_of(message: Message, container: str, key: str | None) -> Source:
    """Where an attachment came from, read from the message's headers."""
    date = header_text(message, "date")
    if date:
        try:
            date = parsedate_to_datetime(date).isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):
            pass  # an unreadable date is shown as it was written
    return Source(
        container=container,
        message_id=header_text(message, "message-id"),
        sender=header_text(message, "from"),
        date=date,
        subject=header_text(message, "subject"),
        key=key,
    )


def _quick_source(raw: bytes, container: str, key: str) -> Source | None:
    try:
        return source_of(_HEADER_PARSER.parsebytes(header_block(raw), headersonly=True), container, key)
    except Exception:  # the headers are as damaged as the rest: the path still names the message
        return None


def _may_hold_files(headers: dict[str, str]) -> bool:
    """Whether a message needs parsing: anything but a lone text body from a person."""
    kind = headers.get("content-type", "text/plain").split(";", 1)[0].strip().lower()
    parameters = headers.get("content-type", "").lower()
    disposition = headers.get("content-disposition", "").lower()
    if not kind.startswith("text/") or kind in ("text/calendar", "text/vcard", "text/x-vcard"):
        return True
    if "name" in parameters or "filename" in disposition or "attachment" in disposition:
        return True
    sender = headers.get("from", "").lower()
    if any(name in sender for name in _BOUNCE_SENDERS):
        return True
    return _automatic(lambda name: _decoded(headers.get(name)))


def _decoded(value: str | None) -> str | None:
    if value is None or value.isascii() and "=?" not in value:
        return value
    return decode_words(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _automatic(header: Callable[[str], str | None]) -> bool:
    """An out-of-office or other automatic reply (RFC 3834 headers, the headers Exchange and others add, subjects)."""
    submitted = (header("auto-submitted") or "no").lower()
    precedence = (header("precedence") or "").lower()
    if not submitted.startswith("no") or precedence == "auto_reply":
        return True
    if header("x-autoreply") is not None or header("x-autorespond") is not None:
        return True
    return bool(_AUTOMATIC_SUBJECT.match(header("subject") or ""))


def _bounce(message: Message) -> bool:
    """A delivery failure notice: a delivery status report, or a message from the mail system about one."""
    if message.get_content_type() == "multipart/report":
        return message.get_param("report-type", "", header="content-type") != "disposition-notification"
    sender = parseaddr(header_text(message, "from") or "")[1].lower()
    from_system = sender.split("@", 1)[0] in _BOUNCE_SENDERS
    return from_system and bool(_BOUNCE_SUBJECT.match(header_text(message, "subject") or ""))


def _damage(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "its parts nest too deeply"
    if isinstance(error, MemoryError):
        return "it is too large to read"
    return type(error).__name__
