"""Returns that arrive by mail: each attachment of an .eml, mbox, Maildir, Outlook .msg or IMAP folder written
to a private folder for the readers, with the message it came from; everything else listed as ignored.

Mail is parsed in bounded worker processes (mailroom). With a store, messages an earlier import took whole are
passed over unparsed (IMAP: not even fetched, by UID) and their files reported as the store knows them.
The mailbox and the message files are never changed; IMAP is read-only (EXAMINE, BODY.PEEK)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .mail import mail_kind
from .mail.imap import parse_imap_url
from .mailroom import Opened, open_isolated
from .outcomes import FileResult
from .store.mailseen import BY_KEY

Files = list[tuple[str, str]]  # (sha256, shown path) of the files one message carried


@dataclass(frozen=True)
class Arrival:
    """One file to read: where it lies on disk, how the log names it, and the message it came from. A file of a
    message taken by an earlier import has no copy on disk, only the `sha256` the store knows it by."""

    disk: Path
    shown: str
    source: dict | None = None
    sha256: str | None = None


@dataclass
class MailMemory:
    """Mail taken before (read from the store) and mail taken now (to record in it once the import is kept)."""

    keys: dict[str, Files] = field(default_factory=dict)  # message key -> its files
    uids: dict[str, dict[str, Files]] = field(default_factory=dict)  # imaps:// folder -> UID taken -> its files
    new_keys: dict[str, Files] = field(default_factory=dict)
    new_uids: dict[str, dict[str, Files]] = field(default_factory=dict)


def is_mail_location(text: str) -> bool:
    return text.lower().startswith("imaps://")


def arrivals(
    paths: Iterable[Path | str], workdir: Path, memory: MailMemory | None = None
) -> tuple[list[Arrival], list[FileResult]]:
    """Every file to read under `paths` (mail containers opened, their attachments written into `workdir`),
    and a result for every part that is not a form (ignored) or cannot be read (rejected)."""
    memory = memory if memory is not None else MailMemory()
    found: list[Arrival] = []
    listed: list[FileResult] = []
    for number, path in enumerate(paths):
        location = _folder(path)
        if location is None and mail_kind(Path(path)) is None:
            found.append(Arrival(Path(path), str(path)))
            continue
        seen_uids = frozenset(memory.uids.get(location, {})) if location else frozenset()
        opened = open_isolated(path, workdir / f"{number:05d}", frozenset(memory.keys), seen_uids)
        _take(opened, memory, location, found, listed)
    return found, listed


def _folder(path: Path | str) -> str | None:
    """The folder an imaps:// location names, as its messages are labelled; None for a path."""
    if not (isinstance(path, str) and is_mail_location(path)):
        return None
    try:
        return parse_imap_url(path).container
    except ValueError:
        return path  # the worker reports what is wrong with it


def _take(opened: Opened, memory: MailMemory, location: str | None, found: list[Arrival], listed: list[FileResult]) -> None:
    for disk, shown, _digest, source in opened.files:
        found.append(Arrival(disk, shown, source))
    taken_before = [memory.keys.get(key, []) for key in opened.passed]
    taken_before += [memory.uids.get(location or "", {}).get(uid, []) for uid in opened.passed_uids]
    for files in taken_before:  # read by an earlier import: reported as the store knows them, nothing parsed
        found.extend(Arrival(Path(), path, None, digest) for digest, path in files)
    for path, status, reason, source in opened.listed:
        listed.append(FileResult(path=path, sha256="", status=status, reason=reason, source=source))
    for key, files in opened.messages.items():
        if key not in memory.keys:
            memory.new_keys[key] = files
    if location:
        taken = memory.new_uids.setdefault(location, {})
        for uid, key in opened.uids.items():
            taken[uid] = memory.new_keys.get(key, memory.keys.get(key, []))


def remembered(store, paths: Iterable[Path | str]) -> MailMemory:
    """What the store says earlier imports took of the mail among `paths`. A message whose files the store no
    longer holds (withdrawn, forgotten) is not passed over, so that it is read again."""
    memory = MailMemory()
    if store is None:
        return memory
    memory.keys = _still_held(store, store.mail_seen.items(BY_KEY))
    for path in paths:
        location = _folder(path)
        if location:
            memory.uids[location] = _still_held(store, store.mail_seen.items(location))
    return memory


def _still_held(store, taken: dict[str, Files]) -> dict[str, Files]:
    return {item: files for item, files in taken.items() if all(store.known(digest) is not None for digest, _ in files)}


def remember(store, memory: MailMemory) -> None:
    """Record in the store the mail this import took whole, once its files are recorded."""
    if store is None:
        return
    store.mail_seen.remember(BY_KEY, memory.new_keys)
    for location, uids in memory.new_uids.items():
        store.mail_seen.remember(location, uids)


def private_workdir() -> tempfile.TemporaryDirectory:
    """A folder only this user can read, for attachments on their way to the readers."""
    return tempfile.TemporaryDirectory(prefix="aitk-mail-")
