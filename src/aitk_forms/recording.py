"""Keeping an import in the store: each file recorded in its own transaction, a file already in the
store reported `known` without being read again, and responses read back from the store for the reports."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from .history import bring_forward
from .model import Content, Form
from .outcomes import ACCEPTED, FileResult
from .problems import Problem
from .store import FileRecord, ResponseRecord, Store, StoredFile, StoredResponse
from .store.records import UNASSIGNED


def known_result(path: Path, stored: StoredFile) -> FileResult:
    """A file the store has seen: its stored status and results, nothing read again."""
    result = FileResult(path=str(path), sha256=stored.sha256, status="known", reason=stored.reason, format=stored.format)
    result.problems = [Problem(p.get("question"), p.get("message", "")) for p in stored.problems]
    response = stored.response
    if response is not None:
        _copy_response(result, response)
    result.reason = result.reason or f"already in the store as {stored.status}"
    return result


def record(store: Store, result: FileResult, size: int, source: dict | None = None, content: Content | None = None) -> None:
    """Add one read file to the store (one transaction) and take the status the store gives it; the definition
    of the form version it was scored with is kept beside it, so reports still work after the content changes."""
    accepted = result.status in ACCEPTED
    if accepted and content is not None:
        form = content.form_version(result.form or "", result.version or "")
        if form is not None:
            store.save_form(content.name, form.id, form.version, form_definition(form))
    name = content.name if content is not None else "aitk"
    status = store.add(file_record(result, size, source), response_record(result, name) if accepted else None)
    if status == "known":  # the same file twice in this run: the first one was recorded
        result.status, result.reason = "duplicate", "the same file was imported earlier in this run"
    elif status == "duplicate":
        stored = store.known(result.sha256)
        result.status, result.reason = "duplicate", stored.reason if stored else None


def settle(store: Store, results: list[FileResult]) -> None:
    """A file accepted earlier in the run may have lost to a later, more complete one: take the final statuses."""
    for result in results:
        if result.status in ACCEPTED:
            stored = store.known(result.sha256)
            if stored is not None and stored.status == "duplicate":
                result.status = "duplicate"
                result.reason = stored.response.reason if stored.response else stored.reason


def file_record(result: FileResult, size: int, source: dict | None = None) -> FileRecord:
    status = result.status if result.status in (*ACCEPTED, "rejected", "ignored") else "rejected"
    return FileRecord(
        sha256=result.sha256,
        path=result.path,
        size=size,
        seen_at=datetime.now(UTC).isoformat(timespec="seconds"),
        status=status,
        reason=result.reason,
        format=result.format,
        problems=tuple({"question": p.question, "message": p.message} for p in result.problems),
        source=source,
        form=result.form,
        round=result.round,
        unit=result.unit,
    )


def response_record(result: FileResult, content_name: str = "aitk") -> ResponseRecord:
    # The store keeps the answers as read: under an older version's ids for a return made from it.
    answers = result.answers_as_read if result.answers_as_read is not None else result.answers
    return ResponseRecord(
        content=content_name,
        form=result.form or "",
        version=result.version or "",
        lang=result.lang or "",
        round=result.round or UNASSIGNED,
        unit=result.unit or "",
        answers=answers,
        scores=result.scores,
        levels={key: level["id"] for key, level in result.levels.items()},
        provisional=result.provisional,
        saved_at=result.saved_at,
        answered=len(answers),
    )


def stored_results(store: Store, content: Content, rounds: list[str]) -> StoredResponses:
    """The kept responses of `rounds`, as the reports read them: streamed from the store, never all held."""
    return StoredResponses(store, content, rounds)


class StoredResponses:
    """The kept responses of some rounds, read from the store one at a time each time they are iterated, in the
    store's order (round by round, then form, unit, SHA-256). The store must stay open, and unwritten, meanwhile."""

    def __init__(self, store: Store, content: Content, rounds: list[str]):
        self.store, self.content, self.rounds = store, content, list(rounds)
        counts = store.info().counts
        self._count = sum(n for (_, label), n in counts.items() if label in self.rounds)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[FileResult]:
        return self._read(None)

    def of_form(self, form_id: str) -> Iterator[FileResult]:
        return self._read(form_id)

    def _read(self, form_id: str | None) -> Iterator[FileResult]:
        for round_label in self.rounds:
            for response in self.store.responses(round=round_label, form=form_id):
                result = FileResult(path=response.path, sha256=response.sha256, status="accepted")
                _copy_response(result, response, self.content.form(response.form))
                result.answers = bring_forward(self.content, response.form, response.version, result.answers)
                yield result


def _copy_response(result: FileResult, response: StoredResponse, form: Form | None = None) -> None:
    result.form, result.version, result.lang = response.form, response.version, response.lang
    result.round, result.unit = response.round, response.unit or None
    result.saved_at = response.saved_at
    result.answers, result.scores, result.provisional = dict(response.answers), dict(response.scores), dict(response.provisional)
    result.levels = {
        key: {"id": level_id, "label": _label(form, key, level_id, response.lang)} for key, level_id in response.levels.items()
    }


def _label(form: Form | None, key: str, level_id: str, lang: str) -> str:
    rule = form.result(key) if form else None
    level = next((lv for lv in form.level_set(rule.levels or "") if lv.id == level_id), None) if rule else None
    return level.label.get(lang) if level else level_id


def form_definition(form: Form) -> dict:
    """What scoring a form version needs, as JSON: questions with their choices' values and floors, the
    result rules and the level sets (English labels)."""
    return {
        "id": form.id,
        "version": form.version,
        "fingerprint": form.fingerprint,
        "unit": list(form.unit),
        "questions": [
            {
                "id": q.id, "kind": q.kind, "label": q.label.get("en"),
                "show_if": {"question": q.show_if.question, "in": list(q.show_if.values)} if q.show_if else None,
                "choices": [{"id": c.id, "value": c.value, "floor": c.floor} for c in q.choices],
            }
            for q in form.questions()
        ],
        "results": [
            {
                "key": r.key, "label": r.label.get("en"), "method": r.method, "questions": list(r.questions),
                "section": r.section, "results": list(r.results), "levels": r.levels, "decimals": r.decimals,
                "dont_know": r.dont_know,
                "conditions": [{"question": c.question, "result": c.result, "in": list(c.values)} for c in r.conditions],
            }
            for r in form.results
        ],
        "levels": {
            name: [
                {"id": lv.id, "label": lv.label.get("en"), "min": lv.minimum, "below": lv.below, "max": lv.maximum}
                for lv in levels
            ]
            for name, levels in form.levels
        },
    }  # fmt: skip


def file_size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def with_round(result: FileResult, given: str | None) -> FileResult:
    """The file's own round wins; `--round` gives one to files without; a differing `--round` is a warning."""
    if result.status not in ACCEPTED:
        return result
    if result.round and given and result.round != given:
        note = Problem(None, f"the file belongs to round '{result.round}', not '{given}' as --round says: kept in its own round")
        return replace(result, problems=[*result.problems, note], status="accepted_with_warnings")
    return replace(result, round=result.round or given or UNASSIGNED)
