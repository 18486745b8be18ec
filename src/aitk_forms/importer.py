"""Import returned forms: find, recognise, read, check, score and de-duplicate them. One bad file never stops the others."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UnreadableFile
from .formats import FORMATS
from .model import Content, Form
from .responses import Problem
from .scoring import score_form
from .sniff import sniff
from .validate import check_answers

STATUSES = ("accepted", "accepted_with_warnings", "duplicate", "rejected")
PARALLEL_FROM = 24  # below this many files a process pool costs more than it saves


@dataclass
class FileResult:
    path: str
    sha256: str
    status: str = "rejected"
    reason: str | None = None
    problems: list[Problem] = field(default_factory=list)
    format: str | None = None
    form: str | None = None
    version: str | None = None
    lang: str | None = None
    answers: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    respondent: tuple[str, ...] = ()

    def as_json(self) -> dict:
        return {
            "path": self.path, "sha256": self.sha256, "status": self.status, "reason": self.reason,
            "problems": [{"question": p.question, "message": p.message} for p in self.problems],
            "format": self.format, "form": self.form, "version": self.version, "lang": self.lang,
            "answers": self.answers, "scores": self.scores, "levels": self.levels,
        }  # fmt: skip


@dataclass
class ImportResult:
    files: list[FileResult]

    def summary(self) -> dict[str, int]:
        counts = {status: sum(f.status == status for f in self.files) for status in STATUSES}
        return {"files": len(self.files), **counts}

    def summary_line(self) -> str:
        s = self.summary()
        return (
            f"{s['files']} files: {s['accepted']} accepted, {s['accepted_with_warnings']} with warnings, "
            f"{s['duplicate']} duplicates, {s['rejected']} rejected"
        )

    def as_json(self) -> dict:
        return {"files": [f.as_json() for f in self.files], "summary": self.summary()}


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every file under the given files and folders, each once, in a stable order."""
    found: dict[str, Path] = {}
    for path in paths:
        candidates = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            if not any(part.startswith(".") for part in candidate.relative_to(path).parts if path.is_dir()):
                found.setdefault(str(candidate.resolve()), candidate)
    return sorted(found.values(), key=lambda p: str(p))


def import_files(content: Content, paths: Iterable[Path], progress: Callable[[int], None] | None = None) -> ImportResult:
    files = discover(paths)
    if len(files) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 2, 8)) as pool:
            results = []
            for result in pool.map(read_file, [content] * len(files), files, chunksize=8):
                results.append(result)
                if progress:
                    progress(1)
    else:
        results = []
        for path in files:
            results.append(read_file(content, path))
            if progress:
                progress(1)
    mark_duplicates(results)
    return ImportResult(results)


def read_file(content: Content, path: Path) -> FileResult:
    """Read one returned file into a FileResult; every failure becomes a rejection with its reason."""
    result = FileResult(path=str(path), sha256=_sha256(path))
    try:
        result.format = sniff(path).format
        codec = FORMATS[result.format].codec()
        response = codec.read(path, content)
        form = _form_for(content, response.identity)
        if form is not content.form(form.id):  # an older version: read again with that version's questions
            response = codec.read(path, replace(content, forms=tuple(form if f.id == form.id else f for f in content.forms)))
        _accept(result, form, response)
        if form is not content.form(form.id):
            _bring_up_to_date(result, form, content.form(form.id))
    except UnreadableFile as error:
        result.status, result.reason = "rejected", str(error)
    except Exception as error:  # noqa: BLE001 - a damaged file must never stop the batch
        result.status, result.reason = "rejected", f"the file could not be read ({type(error).__name__}); it may be damaged"
    return result


def _form_for(content: Content, identity) -> Form:
    """The form (current or from the history) that a file's identity names; UnreadableFile if none."""
    current = content.form(identity.form)
    if current is None:
        known = ", ".join(f.id for f in content.forms)
        raise UnreadableFile(f"made for an unknown form '{identity.form}' (this content has {known})")
    if identity.lang not in content.languages:
        raise UnreadableFile(f"made in an unknown language '{identity.lang}'")
    form = content.form_version(identity.form, identity.version)
    if form is None:
        readable = ", ".join([current.version] + [f.version for f in content.history if f.id == current.id])
        raise UnreadableFile(
            f"made from content version {identity.version or 'unknown'} of the {current.id} form; this build reads "
            f"version {readable}: send the respondent a new form built from the current content"
        )
    if identity.fingerprint != form.fingerprint:
        raise UnreadableFile(
            "the form's structure does not match its version (questions or choices were changed): "
            "the answers cannot be trusted; send the respondent a new form"
        )
    return form


def _bring_up_to_date(result: FileResult, old: Form, current: Form) -> None:
    """Scored with the old version's rules; answers renamed to today's question ids for consolidation."""
    renamed = dict(old.renamed)
    result.answers = {renamed.get(q, q): v for q, v in result.answers.items() if current.question(renamed.get(q, q))}
    note = f"made from content version {old.version}; imported with version {old.version}'s rules"
    result.problems.insert(0, Problem(None, note))
    if result.status == "accepted":
        result.status = "accepted_with_warnings"


def _accept(result: FileResult, form: Form, response) -> None:
    result.form, result.version, result.lang = form.id, form.version, response.identity.lang
    answers, problems = check_answers(form, response.answers)
    problems = list(response.problems) + problems
    errors = [p for p in problems if p.severity == "error"]
    result.answers, result.problems = answers, problems
    if errors:
        result.status, result.reason = "rejected", "; ".join(p.message for p in errors[:3])
        return
    card = score_form(form, answers)
    result.scores = card.scores
    result.levels = {
        r.key: {"id": r.level.id, "label": r.level.label.get(result.lang)} for r in card.results if r.level is not None
    }
    result.respondent = tuple(_normalise(answers.get(q)) for q in form.respondent)
    result.status = "accepted_with_warnings" if problems else "accepted"


def mark_duplicates(results: list[FileResult]) -> None:
    """The same file twice, or two files for one respondent and form: the more complete (then the first) wins."""
    by_hash: dict[str, FileResult] = {}
    for result in results:
        first = by_hash.setdefault(result.sha256, result)
        if first is not result:
            _set_aside(result, f"the same file as {first.path}")
    by_respondent: dict[tuple, FileResult] = {}
    for result in results:
        if result.status not in ("accepted", "accepted_with_warnings") or not any(result.respondent):
            continue
        key = (result.form, result.respondent)
        kept = by_respondent.get(key)
        if kept is None:
            by_respondent[key] = result
        elif len(result.answers) > len(kept.answers):
            _set_aside(kept, f"a more complete return from the same respondent is {result.path}")
            by_respondent[key] = result
        else:
            _set_aside(result, f"the same respondent and form as {kept.path}, which is kept")


def _set_aside(result: FileResult, reason: str) -> None:
    result.status, result.reason = "duplicate", reason


def _normalise(value: object) -> str:
    return " ".join(str(value).casefold().split()) if value is not None else ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
