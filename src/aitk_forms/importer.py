"""Import returned forms: find, recognise, read, check, score and de-duplicate them. One bad file never stops the others."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from multiprocessing.connection import Connection, wait
from pathlib import Path

from . import inbox, recording
from .errors import UnreadableFile, printable
from .history import bring_forward
from .limits import FILE_MEMORY_BYTES, FILE_SECONDS, MAX_WORKERS
from .mail import mail_kind
from .model import Content
from .outcomes import ACCEPTED, FileResult, ImportResult
from .returns import Response, read_response
from .scoring import score_form
from .store.records import saved_order, unit_key
from .validate import check_presence

FAILURES = {
    MemoryError: "reading it needed more memory than the limit: it is not one of our forms, or it was made to harm",
    RecursionError: "its structure nests or loops too deeply to be read: it is not one of our forms, or it is damaged",
}


def discover(paths: Iterable[Path | str]) -> list[Path | str]:
    """Every file under the given files and folders, each once, in a stable order; a Maildir folder is one
    mailbox, and an imaps:// location is kept as it is."""
    found: dict[str, Path | str] = {}
    for path in paths:
        if isinstance(path, str) and inbox.is_mail_location(path):
            found.setdefault(path, path)
            continue
        path = Path(path)
        if path.is_file() or mail_kind(path) == "maildir":
            found.setdefault(str(path.resolve()), path)
            continue
        maildirs = [d for d in path.rglob("*") if d.is_dir() and mail_kind(d) == "maildir"]
        for candidate in [*maildirs, *(p for p in path.rglob("*") if p.is_file())]:
            hidden = any(part.startswith(".") for part in candidate.relative_to(path).parts)
            inside = any(d in candidate.parents for d in maildirs)
            if not hidden and not inside:
                found.setdefault(str(candidate.resolve()), candidate)
    return sorted(found.values(), key=str)


def import_files(
    content: Content,
    paths: Iterable[Path],
    progress: Callable[[int], None] | None = None,
    store=None,
    round_label: str | None = None,
) -> ImportResult:
    """Read every file under `paths`, each in a worker process bounded in time and memory, one result per file.

    With a store, a file it already holds is reported `known` and not read again, every other file is
    recorded in its own transaction, and the store decides duplicates across every import."""
    with inbox.private_workdir() as work:
        located = [p for p in discover(paths) if store is None or isinstance(p, str) or not store.holds_path(p)]
        memory = inbox.remembered(store, located)  # mail earlier imports took whole is neither parsed nor fetched
        files, listed = inbox.arrivals(located, Path(work), memory)
        results: list[FileResult | None] = [None] * len(files)
        unread, hashes = [], {}
        for index, arrival in enumerate(files):
            if store is not None:
                hashes[index] = arrival.sha256 or _sha256_or_empty(arrival.disk)
            stored = store.known(hashes[index]) if store is not None else None
            if stored is not None:
                results[index] = recording.known_result(Path(arrival.shown), stored)
                if progress:
                    progress(1)
            else:
                unread.append(index)
        # A hash computed for the store's check is handed to the reader, which need not compute it again.
        read = read_isolated(content, [files[i].disk for i in unread], progress, [hashes.get(i) for i in unread])
        for index, result in zip(unread, read, strict=True):
            result.path, result.source = files[index].shown, files[index].source
            results[index] = recording.with_round(result, round_label)
        if store is None:
            mark_duplicates(results)
            return ImportResult(results + listed)
        for index in unread:
            recording.record(store, results[index], recording.file_size(files[index].disk), files[index].source, content)
        recording.settle(store, [results[i] for i in unread])
        inbox.remember(store, memory)
    return ImportResult(results + listed)


def read_file(content: Content, path: Path, sha256: str | None = None) -> FileResult:
    """Read one returned file into a FileResult; every failure becomes a rejection with its reason. `sha256`,
    when the caller has it already, saves reading the file once more."""
    result = FileResult(path=str(path), sha256="")
    try:
        result.sha256 = sha256 or _sha256(path)
        with warnings.catch_warnings():
            # Libraries warn about the damage they repair; the file's own result says what matters.
            warnings.simplefilter("ignore")
            _read_and_check(content, path, result)
    except UnreadableFile as error:
        # The log and the command line name the file already; a reader's message may name it again.
        reason = str(error).removeprefix(f"{path}: ")
        result.status, result.reason = "rejected", printable(reason, 400)
    except OSError as error:
        result.status, result.reason = "rejected", f"the file could not be opened ({error.strerror or type(error).__name__})"
    except Exception as error:  # noqa: BLE001 - a damaged file must never stop the batch
        result.status, result.reason = "rejected", _failure(error)
    return result


def _read_and_check(content: Content, path: Path, result: FileResult) -> None:
    response = read_response(path, content)  # the reader hands the identity it found to identity.decide
    result.format = response.format
    _accept(result, response)
    if response.decision.older:
        _bring_up_to_date(result, response, content)


def _failure(error: BaseException) -> str:
    """A reason for an error no reader foresaw: said as plainly as the error allows."""
    for kind, reason in FAILURES.items():
        if isinstance(error, kind):
            return reason
    return f"the file could not be read ({type(error).__name__}); it may be damaged: ask the sender to send it again"


def _bring_up_to_date(result: FileResult, response: Response, content: Content) -> None:
    """Scored with the old version's rules; answers brought forward to today's question ids for consolidation
    (the answers as read stay in `answers_as_read`, for the store)."""
    result.answers_as_read = dict(result.answers)
    result.answers = bring_forward(content, response.form.id, response.form.version, result.answers)
    if result.status == "accepted":
        result.status = "accepted_with_warnings"


def _accept(result: FileResult, response: Response) -> None:
    form, answers = response.form, response.answers
    result.form, result.version, result.lang = form.id, form.version, response.identity.lang
    # Messages quote what the file holds: made safe to print on a terminal and short enough to read.
    found = list(response.problems) + check_presence(form, answers)
    problems = [replace(p, message=printable(p.message, 400)) for p in found]
    errors = [p for p in problems if p.severity == "error"]
    result.answers, result.problems = answers, problems
    # The identity is kept for a rejected file too: `campaign status` sets it beside the form that was sent.
    result.round = response.identity.round
    result.unit = response.identity.unit or unit_of(form, answers)
    if errors:
        result.status, result.reason = "rejected", "; ".join(p.message for p in errors[:3])
        return
    card = score_form(form, answers)
    result.scores, result.provisional, result.findings = card.scores, card.provisional, card.findings
    result.levels = {
        r.key: {"id": r.level.id, "label": r.level.label.get(result.lang)} for r in card.results if r.final and r.level
    }
    result.saved_at = response.saved_at
    result.status = "accepted_with_warnings" if problems else "accepted"


def unit_of(form, answers: dict) -> str | None:
    """The unit assessed, as the form's unit questions were answered (agency · unit), or None."""
    parts = [" ".join(str(answers[q]).split()) for q in form.unit if isinstance(answers.get(q), str) and answers[q].strip()]
    return " · ".join(parts) or None


def mark_duplicates(results: list[FileResult]) -> None:
    """Without a store: the same file twice, or two returns for one form, round and unit: the one with most
    answers is kept, then the latest save time the file records, then the lowest SHA-256, whatever order the
    files came in (INTERFACES; the store applies the same rule in store/duplicates.py)."""
    by_hash: dict[str, FileResult] = {}
    for result in results:
        first = by_hash.setdefault(result.sha256, result)
        if first is not result:
            _set_aside(result, f"the same file as {first.path}")
    by_unit: dict[tuple, FileResult] = {}
    for result in results:
        if result.status not in ACCEPTED or not result.unit:
            continue
        key = (result.form, result.round, unit_key(result.unit))
        kept = by_unit.get(key)
        if kept is None:
            by_unit[key] = result
        elif _precedence(result) < _precedence(kept):
            _set_aside(kept, f"a more complete return for the same unit and round is {result.path}")
            by_unit[key] = result
        else:
            _set_aside(result, f"the same form, round and unit as {kept.path}, which is kept")


def _precedence(result: FileResult) -> tuple:
    """Sorts the return the duplicate rule keeps first: most answers, latest save time (none is earliest), lowest hash."""
    saved = saved_order(result.saved_at)  # equally long strings: inverting each character sorts the later first
    later_first = "".join(chr(0x10FFFF - ord(c)) for c in saved)
    return (-len(result.answers), not saved, later_first, result.sha256)


def _set_aside(result: FileResult, reason: str) -> None:
    result.status, result.reason = "duplicate", reason


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Reading happens in worker processes so that no file can hang, exhaust or crash the import: a worker
# past FILE_SECONDS is killed, one past its memory limit fails alone, and a new one takes its place.


def read_isolated(
    content: Content,
    files: list[Path],
    progress: Callable[[int], None] | None = None,
    hashes: list[str | None] | None = None,
) -> list[FileResult]:
    """Each file's FileResult, in the order of `files`, each read in a worker bounded in time and memory;
    `hashes` gives the SHA-256 of files the caller hashed already (None where not)."""
    results: list[FileResult | None] = [None] * len(files)
    workers: list[_Worker] = []
    pending = [(i, path, (hashes or [None] * len(files))[i]) for i, path in enumerate(files)][::-1]
    try:
        for _ in range(min(len(files), os.cpu_count() or 1, MAX_WORKERS)):
            workers.append(_Worker(content))
        for worker in workers:
            worker.take(pending)
        while any(w.busy for w in workers):
            ready = wait([w.connection for w in workers if w.busy], timeout=min(1.0, FILE_SECONDS / 4))
            for worker in workers:
                done = worker.collect() if worker.connection in ready else worker.overdue()
                if done is not None:
                    results[done[0]] = done[1]
                    if progress:
                        progress(1)
                    worker.take(pending)
    finally:
        for worker in workers:
            worker.stop()
    return results  # type: ignore[return-value] - every slot is filled once the loop ends


class _Worker:
    """One reading process, the file it is reading and since when; replaced when it dies or overruns."""

    def __init__(self, content: Content):
        self.content = content
        self.busy: tuple[int, Path, float] | None = None
        self._start()

    def _start(self) -> None:
        # Linux forks: fast, and the worker shares the loaded content and libraries. Elsewhere fork is unsafe or absent.
        context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, self.content, os.getpid()), daemon=True)
        self.process.start()
        child.close()

    def take(self, pending: list[tuple[int, Path, str | None]]) -> None:
        if pending:
            index, path, sha256 = pending.pop()
            self.connection.send((path, sha256))
            self.busy = (index, path, time.monotonic())

    def collect(self) -> tuple[int, FileResult] | None:
        index, path, _ = self.busy
        try:
            result = self.connection.recv()
        except (EOFError, OSError):  # the process died: out of memory, a crash in a library, a signal
            return self._replace(index, path, "the reader stopped on this file (it needed too much memory or crashed)")
        self.busy = None
        return index, result

    def overdue(self) -> tuple[int, FileResult] | None:
        if self.busy is None or time.monotonic() - self.busy[2] < FILE_SECONDS:
            return None
        return self._replace(
            self.busy[0], self.busy[1], f"reading it took longer than the {FILE_SECONDS} s limit; it was stopped"
        )

    def _replace(self, index: int, path: Path, reason: str) -> tuple[int, FileResult]:
        self.stop()
        self._start()
        self.busy = None
        result = FileResult(path=str(path), sha256=_sha256_or_empty(path), reason=f"{reason}: not one of our forms, or damaged")
        return index, result

    def stop(self) -> None:
        self.connection.close()
        self.process.kill()
        self.process.join()


def _serve(connection: Connection, content: Content, parent: int) -> None:
    """The worker's loop: read each path it is sent, within its memory limit and a CPU-time backstop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    _limit_memory()
    while True:
        # A killed import cannot close the pipe ends its workers inherited from each other: watch the parent too
        # (its id is passed in, since the parent may die before the worker first runs).
        while not connection.poll(1.0):
            if os.getppid() != parent:
                return
        try:
            path, sha256 = connection.recv()
        except EOFError:  # the import ended: nothing more to read
            return
        _limit_cpu_time()
        connection.send(read_file(content, path, sha256))


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm") as statm:  # the address space in use, in pages
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = used + FILE_MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, OSError, ValueError):  # not Linux: the time limit still holds
        pass


def _limit_cpu_time() -> None:
    """A worker orphaned by a killed import still stops: the kernel ends it past this file's CPU time."""
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(usage.ru_utime + usage.ru_stime + 2 * FILE_SECONDS) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ImportError, OSError, ValueError):
        pass


def _sha256_or_empty(path: Path) -> str:
    try:
        return _sha256(path)
    except OSError:
        return ""
