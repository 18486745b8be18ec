"""Mail containers opened in worker processes bounded in time, memory and CPU, as returned files are read.

A mailbox is parsed by a forked worker that writes each attachment straight to the private work folder and sends
back only small records (where the file lies, the message it came from, the parts set aside, the messages done),
so the import's own memory stays flat whatever the mailbox holds. A mailbox that makes its worker run out of
memory, crash or dwell too long on one message is stopped and reported with the reason; what it yielded before
is kept and the other inputs go on."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Container
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from . import limits
from .mail import Attachment, Skipped, message_key, read_mail, read_message
from .mail.imap import TIMEOUT_SECONDS, ImapError, fetch_messages, imap_password, parse_imap_url

TICK_SECONDS = 0.5  # a worker passing over many messages already seen says it is alive at most this often


@dataclass
class Opened:
    """What one mail container gave: files on disk for the readers, parts set aside, and the messages taken whole.

    `files` holds (disk path, shown path, sha256, source); `listed` holds (path, status, reason, source);
    `messages` maps each message key taken whole to the (sha256, shown path) of the files it carried; `uids` maps an IMAP
    message's `<UIDVALIDITY>:<UID>` to its message key; `passed` and `passed_uids` name what was passed over."""

    files: list[tuple[Path, str, str, dict | None]] = field(default_factory=list)
    listed: list[tuple[str, str, str, dict | None]] = field(default_factory=list)
    messages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    uids: dict[str, str] = field(default_factory=dict)
    passed: list[str] = field(default_factory=list)  # keys of messages passed over, as taken before
    passed_uids: list[str] = field(default_factory=list)  # IMAP UIDs not fetched, as taken before


def open_isolated(
    container: Path | str, workdir: Path, skip: frozenset[str] = frozenset(), seen_uids: frozenset[str] = frozenset()
) -> Opened:
    """Open one mail container (a path, or an imaps:// URL) in a bounded worker; messages whose key is in `skip`
    and IMAP messages whose UID is in `seen_uids` are passed over without being parsed (IMAP: not even fetched)."""
    workdir.mkdir(mode=0o700)
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    connection, child = context.Pipe(duplex=False)
    process = context.Process(target=_serve, args=(child, connection, container, workdir, skip, seen_uids), daemon=True)
    process.start()
    child.close()
    opened = Opened()
    try:
        _collect(connection, opened, str(container), _allowance(container))
    finally:
        connection.close()
        process.kill()
        process.join()
    return opened


def _allowance(container: Path | str) -> float:
    """Seconds a worker may stay silent: one message's parsing, and for IMAP one batch's fetching too."""
    return limits.MAIL_MESSAGE_SECONDS + (TIMEOUT_SECONDS if isinstance(container, str) else 0)


def _collect(connection: Connection, opened: Opened, name: str, allowance: float) -> None:
    pending: list[tuple[str, str]] = []  # (sha256, shown path) of the message being read, until it is taken whole
    while True:
        if not connection.poll(allowance):
            why = f"reading it took longer than the {limits.MAIL_MESSAGE_SECONDS} s limit for one message; it was stopped"
            opened.listed.append((name, "rejected", f"{why} {_after(opened)}", None))
            return
        try:
            record = connection.recv()
        except (EOFError, OSError):  # the worker died: out of memory, a crash in a library, a signal
            limit = limits.MAIL_MEMORY_BYTES // (1024 * 1024)
            why = f"the mail reader stopped on this mailbox (it needed more than the {limit} MB memory limit, or crashed)"
            opened.listed.append((name, "rejected", f"{why} {_after(opened)}", None))
            return
        kind = record[0]
        if kind == "file":
            opened.files.append((Path(record[1]), record[2], record[3], record[4]))
            pending.append((record[3], record[2]))
        elif kind == "listed":
            opened.listed.append(record[1:])
        elif kind == "message":
            opened.messages[record[1]] = pending
            pending = []
        elif kind == "uid":
            opened.uids[record[1]] = record[2]
        elif kind == "passed":
            opened.passed.append(record[1])
        elif kind == "passed_uid":
            opened.passed_uids.append(record[1])
        elif kind == "failed":
            opened.listed.append((name, "rejected", f"{record[1]} {_after(opened)}", None))
            return
        elif kind == "done":
            return


def _after(opened: Opened) -> str:
    done = len(opened.messages)
    return f"after {done} message{'s' if done != 1 else ''} had been read: not one of our mailboxes, or made to harm"


class _Ticking(Container[str]):
    """The keys to pass over, which also tells the parent at each message that the worker is still going."""

    def __init__(self, keys: frozenset[str], connection: Connection):
        self.keys, self.connection, self.last = keys, connection, time.monotonic()

    def __contains__(self, key: object) -> bool:
        if time.monotonic() - self.last > TICK_SECONDS:
            self.connection.send(("tick",))
            self.last = time.monotonic()
        if key in self.keys:
            self.connection.send(("passed", key))
            return True
        return False


def _serve(
    connection: Connection,
    reader: Connection,
    container: Path | str,
    workdir: Path,
    skip: frozenset[str],
    seen_uids: frozenset[str],
) -> None:
    """The worker: bounded first, then every item of the container sent back as a small record."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the worker
    reader.close()  # the parent's end: should the import die, sending fails here instead of blocking for ever
    _bound_process()
    try:
        failure = _read_all(connection, container, workdir, skip, seen_uids)
    except BrokenPipeError:
        return  # the import is gone: nobody is left to tell
    if failure is not None:  # sent once the failed reading's memory is let go, so that sending itself works
        connection.send(("failed", failure))


def _read_all(
    connection: Connection, container: Path | str, workdir: Path, skip: frozenset[str], seen_uids: frozenset[str]
) -> str | None:
    """Send every item of the container; None when all went well, else why reading stopped."""
    writer = _Writer(connection, workdir)
    ticking = _Ticking(skip, connection)
    try:
        if isinstance(container, str):
            _imap(container, ticking, seen_uids, writer)
        else:
            for item in read_mail(container, skip=ticking, on_message=lambda key: connection.send(("message", key))):
                writer.take(item)
        connection.send(("done",))
    except MemoryError:
        return "reading it needed more memory than the limit for a mailbox; it was stopped"
    except RecursionError:
        return "its messages nest too deeply to be read; it was stopped"
    except BrokenPipeError:
        raise
    except OSError as error:
        return f"the mailbox could not be read ({error.strerror or type(error).__name__})"
    except Exception as error:  # noqa: BLE001 - a damaged mailbox must never stop the import
        return f"the mailbox could not be read ({type(error).__name__}); it may be damaged"
    return None


def _imap(url: str, skip: _Ticking, seen_uids: frozenset[str], writer: _Writer) -> None:
    try:
        location = parse_imap_url(url)

        def seen(uid: str) -> bool:
            if uid in seen_uids:
                writer.connection.send(("passed_uid", uid))
                return True
            return False

        messages = fetch_messages(location, imap_password(), seen=seen)
        for number, message in enumerate(messages, start=1):
            key = message_key(message.raw)
            if key not in skip:  # the same message may have come by another way already (then it is "passed")
                for item in read_message(message.raw, message.container, f"{message.container}#{number}", key=key):
                    writer.take(item)
            writer.connection.send(("message", key))
            writer.connection.send(("uid", message.uid, key))
    except (ImapError, ValueError) as error:
        writer.take(Skipped(url, None, "rejected", f"the mailbox could not be read: {error}"))


class _Writer:
    """Each attachment written to the work folder as it comes (only this user may read it), then let go."""

    def __init__(self, connection: Connection, workdir: Path):
        self.connection, self.workdir, self.count = connection, workdir, 0

    def take(self, item: Attachment | Skipped) -> None:
        source = item.source.as_json() if item.source else None
        if isinstance(item, Skipped):
            self.connection.send(("listed", item.path, item.status, item.reason, source))
            return
        self.count += 1
        digest = hashlib.sha256(item.data).hexdigest()
        disk = self.workdir / f"{self.count:06d}-{digest[:12]}{Path(item.name).suffix[:12]}"
        fd = os.open(disk, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
        self.connection.send(("file", str(disk), item.path, digest, source))


def _bound_process() -> None:
    """Memory as the file readers' workers have it, and a CPU-time backstop should the import itself be killed."""
    try:
        import resource

        with open("/proc/self/statm") as statm:  # the address space in use, in pages
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + limits.MAIL_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        # A mailbox of many messages may rightly take minutes; the backstop only ends a worker left behind.
        soft = int(usage.ru_utime + usage.ru_stime + 3600) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ImportError, OSError, ValueError):  # not Linux: the time limit still holds
        pass
