"""Returns that arrive by mail: each attachment of an .eml, mbox, Maildir, Outlook .msg or IMAP folder written
to a private folder for the readers, with the message it came from; everything else listed as ignored.

The mailbox and the message files are never changed; IMAP is read-only (EXAMINE, BODY.PEEK)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .mail import Attachment, Skipped, mail_kind, read_mail, read_message
from .mail.imap import ImapError, fetch_messages, imap_password, parse_imap_url
from .outcomes import FileResult


@dataclass(frozen=True)
class Arrival:
    """One file to read: where it lies on disk, how the log names it, and the message it came from."""

    disk: Path
    shown: str
    source: dict | None = None


def is_mail_location(text: str) -> bool:
    return text.lower().startswith("imaps://")


def arrivals(paths: Iterable[Path | str], workdir: Path) -> tuple[list[Arrival], list[FileResult]]:
    """Every file to read under `paths` (mail containers opened, their attachments written into `workdir`),
    and a result for every part that is not a form (ignored) or cannot be read (rejected)."""
    found: list[Arrival] = []
    listed: list[FileResult] = []
    for path in paths:
        if isinstance(path, str) and is_mail_location(path):
            _take(_imap_items(path), workdir, found, listed)
        elif mail_kind(Path(path)) is not None:
            _take(read_mail(Path(path)), workdir, found, listed)
        else:
            found.append(Arrival(Path(path), str(path)))
    return found, listed


def private_workdir() -> tempfile.TemporaryDirectory:
    """A folder only this user can read, for attachments on their way to the readers."""
    return tempfile.TemporaryDirectory(prefix="aitk-mail-")


def _take(items: Iterator[Attachment | Skipped], workdir: Path, found: list[Arrival], listed: list[FileResult]) -> None:
    for item in items:
        if isinstance(item, Skipped):
            source = item.source.as_json() if item.source else None
            listed.append(FileResult(path=item.path, sha256="", status=item.status, reason=item.reason, source=source))
            continue
        digest = hashlib.sha256(item.data).hexdigest()
        disk = workdir / f"{len(found):06d}-{digest[:12]}{Path(item.name).suffix[:12]}"
        fd = os.open(disk, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
        found.append(Arrival(disk, item.path, item.source.as_json()))


def _imap_items(url: str) -> Iterator[Attachment | Skipped]:
    try:
        location = parse_imap_url(url)
        password = imap_password()
        for number, message in enumerate(fetch_messages(location, password, seen=frozenset()), start=1):
            label = f"{message.container}#{number}"
            yield from read_message(message.raw, message.container, label)
    except (ImapError, ValueError) as error:
        yield Skipped(url, None, "rejected", f"the mailbox could not be read: {error}")
