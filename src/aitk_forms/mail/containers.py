"""Mail files as they lie on disk (.eml, mbox, Maildir, Outlook .msg): recognised by content and read one
message at a time, so that a mailbox of any size is read with bounded memory. Nothing on disk is changed."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container, Iterator
from pathlib import Path

from .items import DEFAULT_LIMITS, Attachment, MailLimits, Skipped, Source, reason, size_text
from .message import message_key, quick_headers, read_with_headers
from .outlook import OLE_MAGIC, OutlookError, is_outlook_message, read_outlook
from .walk import Found, Where, walk_outlook

Item = Attachment | Skipped
HEAD_BYTES = 64 * 1024
LINE_BYTES = 1024 * 1024  # an mbox is read in lines of at most this much, so a file without line breaks is no threat
_HEADER_LINE = re.compile(rb"^[!-9;-~]{1,100}:")
_KNOWN_HEADERS = re.compile(
    rb"^(from|to|cc|subject|date|message-id|mime-version|received|return-path|delivered-to|content-type|reply-to|"
    rb"sender|in-reply-to|references|thread-topic|x-unsent|x-mailer):",
    re.IGNORECASE,
)
_QUOTED_FROM = re.compile(rb"^>+From ")
_POSTMARK = re.compile(rb"^From \S+ +.*\d\d:\d\d")  # "From sender@example.org Tue Mar  3 10:00:00 2026"


def mail_kind(path: Path) -> str | None:
    """The kind of mail `path` holds, judged by its content: "eml", "mbox", "maildir" or "msg"; None for other files."""
    if path.is_dir():
        return "maildir" if (path / "cur").is_dir() and (path / "new").is_dir() else None
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    if head.startswith(OLE_MAGIC):
        return "msg" if path.stat().st_size <= DEFAULT_LIMITS.message_bytes and is_outlook_message(path.read_bytes()) else None
    if head.startswith(b"From "):
        return "mbox"
    return "eml" if _looks_like_headers(head) else None


def _looks_like_headers(head: bytes) -> bool:
    """RFC 5322 header fields from the first line up to the empty line, two of them at least mail headers (a YAML
    file may well start with "subject:")."""
    lines = head.split(b"\n")
    if len(head) == HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut short
    known: set[bytes] = set()
    for line in lines:
        line = line.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE.match(line):
            return False
        match = _KNOWN_HEADERS.match(line)
        if match:
            known.add(match.group(1).lower())
    return len(known) >= 2 and bool(lines) and _HEADER_LINE.match(lines[0]) is not None


def read_mail(
    path: Path,
    limits: MailLimits = DEFAULT_LIMITS,
    *,
    skip: Container[str] = frozenset(),
    on_message: Callable[[str], None] | None = None,
) -> Iterator[Item]:
    """The attachments and set-aside parts of every message in `path`, lazily, in the order of the file (a Maildir
    in file-name order). Messages whose message_key() is in `skip` are passed over without being parsed;
    `on_message` is given the key of each message once all its items have been taken."""
    kind = mail_kind(path)
    container = path.name
    if kind == "msg":
        yield from _outlook(path, container, limits, skip, on_message)
        return
    raw_messages = {"eml": _eml, "mbox": _mbox, "maildir": _maildir}.get(kind or "")
    if raw_messages is None:
        yield Skipped(container, None, "rejected", reason("not_mail", what="not an .eml, mbox, Maildir or .msg"))
        return
    for number, raw in enumerate(raw_messages(path, limits), 1):
        label = f"{container}#{number}"
        if number > limits.messages_per_mbox:
            yield Skipped(label, None, "rejected", reason("too_many_messages", limit=limits.messages_per_mbox))
            return
        if isinstance(raw, int):
            why = reason("message_too_big", size=size_text(raw), limit=size_text(limits.message_bytes))
            yield Skipped(label, None, "rejected", why)
            continue
        headers = quick_headers(raw)
        key = message_key(raw, headers)
        if key in skip:
            continue
        yield from read_with_headers(raw, headers, container, label, limits, key)
        if on_message is not None:
            on_message(key)


def _eml(path: Path, limits: MailLimits) -> Iterator[bytes | int]:
    yield from _files([path], limits)


def _maildir(path: Path, limits: MailLimits) -> Iterator[bytes | int]:
    names = [f for folder in ("cur", "new") for f in (path / folder).iterdir() if f.is_file() and not f.name.startswith(".")]
    yield from _files(sorted(names, key=lambda f: f.name), limits)


def _files(paths: list[Path], limits: MailLimits) -> Iterator[bytes | int]:
    """Each file's bytes, or its size when it is larger than a message may be."""
    for file in paths:
        size = file.stat().st_size
        yield size if size > limits.message_bytes else file.read_bytes()


def _mbox(path: Path, limits: MailLimits) -> Iterator[bytes | int]:
    """The messages of an mbox, one at a time: each message's bytes (">From " lines unquoted), or its size when it is
    larger than a message may be. A message starts at a "From " line that opens the file, follows an empty line or
    reads as a postmark; the Content-Length header some writers add is not trusted."""
    with open(path, "rb") as handle:
        lines: list[bytes] = []
        size, started, line_start, blank = 0, False, True, True
        while line := handle.readline(LINE_BYTES):
            if line_start and line[:5] == b"From " and (blank or _POSTMARK.match(line)):
                if started:
                    yield _joined(lines, size, limits)
                lines, size, started = [], 0, True
            elif started:
                size += len(line)
                if size <= limits.message_bytes:
                    lines.append(line[1:] if line[:1] == b">" and line_start and _QUOTED_FROM.match(line) else line)
            blank = line_start and len(line) <= 2 and line in (b"\n", b"\r\n")
            line_start = line[-1:] == b"\n"
        if started:
            yield _joined(lines, size, limits)


def _joined(lines: list[bytes], size: int, limits: MailLimits) -> bytes | int:
    if size > limits.message_bytes:
        return size
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines.pop()  # the empty line before the next "From " belongs to the mbox, not to the message
    return b"".join(lines)


def _outlook(
    path: Path, container: str, limits: MailLimits, skip: Container[str], on_message: Callable[[str], None] | None
) -> Iterator[Item]:
    label = f"{container}#1"
    size = path.stat().st_size
    if size > limits.message_bytes:
        why = reason("message_too_big", size=size_text(size), limit=size_text(limits.message_bytes))
        yield Skipped(label, None, "rejected", why)
        return
    data = path.read_bytes()
    try:
        message = read_outlook(data, limits.attachment_bytes, limits.depth, limits.parts_per_message)
    except OutlookError as error:
        yield Skipped(label, None, "rejected", reason("damaged_msg", what=str(error)))
        return
    key = outlook_key(message.message_id, data)
    if key in skip:
        return
    source = Source(container, message.message_id, message.sender, message.date, message.subject, key)
    found = Found(source, limits)
    walk_outlook(message, Where(label), found)
    yield from found.items
    if on_message is not None:
        on_message(key)


def outlook_key(message_id: str | None, data: bytes) -> str:
    """The same key message_key() gives the message as sent: its Message-ID, else the hash of the file."""
    if message_id and message_id.strip():
        return message_key(b"Message-ID: " + message_id.strip().encode("utf-8", "replace") + b"\r\n\r\n")
    return "sha256:" + hashlib.sha256(data).hexdigest()
