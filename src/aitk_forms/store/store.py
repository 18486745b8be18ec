"""The Store: every file seen and every accepted response, one transaction per file, read back in a
deterministic order with flat memory."""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterator
from pathlib import Path

from . import export, management
from .campaigns import CampaignLedger
from .database import PASSWORD_ADVICE, Database
from .duplicates import settle_group
from .mailseen import MailSeen
from .records import (
    ACCEPTED,
    READ_STATUSES,
    FileRecord,
    ResponseRecord,
    StoredFile,
    StoredResponse,
    StoreError,
    StoreInfo,
    round_order,
    saved_order,
    to_json,
    unit_key,
    value_text,
)

RESPONSE_COLUMNS = (
    "r.content, r.form, r.version, r.lang, r.round, r.unit, r.answers, r.scores, r.levels, r.provisional, "
    "r.saved_at, r.answered, r.sha256, r.unit_key, r.state, r.reason"
)
FILE_COLUMNS = "f.sha256, f.path, f.size, f.seen_at, f.status, f.reason, f.format, f.problems, f.source"
FILE_SELECT = f"SELECT {FILE_COLUMNS}, {RESPONSE_COLUMNS} FROM files f LEFT JOIN responses r ON r.sha256 = f.sha256"


class Store:
    """An open store. Use it from one thread; open one per process (it is safe for many processes at once)."""

    def __init__(self, database: Database, notes: list[str]):
        self._db = database
        self.location = database.location
        self.backend = database.backend
        self.notes = notes

    def close(self) -> None:
        self._db.close()

    def holds_path(self, path: Path) -> bool:
        """True for the store's own files (a SQLite store and its journal), which an import must not read."""
        if self.backend != "sqlite":
            return False
        own = Path(self.location).resolve()
        try:
            candidate = Path(path).resolve()
        except OSError:
            return False
        return candidate.parent == own.parent and candidate.name.startswith(own.name)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # Files and responses in.

    def known(self, sha256: str) -> StoredFile | None:
        """What the store holds for a file, or None when it has never seen it."""
        row = self._db.one(f"{FILE_SELECT} WHERE f.sha256 = ?", (sha256,))
        return stored_file(row) if row else None

    def add(self, file: FileRecord, response: ResponseRecord | None = None) -> str:
        """Record a file and, when it was accepted, its response, in one transaction; returns the file's final
        status ("known" when the store already had it, and then nothing is written)."""
        if file.status not in READ_STATUSES:
            raise ValueError(f"a file is added as one of {', '.join(READ_STATUSES)}, not '{file.status}'")
        with self._db.transaction():
            self._db.lock_shared()
            inserted = self._db.execute(
                "INSERT INTO files (sha256, path, size, seen_at, read_status, status, reason, format, problems, source, "
                "form, round, unit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                file_row(file),
            ).rowcount
            if not inserted:
                return "known"
            if response is None or file.status not in ACCEPTED:
                return file.status
            key = management.resolve_unit(self._db, response.unit)
            self._db.lock_group(response.form, response.round, key)
            self._insert_response(file.sha256, response, key)
            settle_group(self._db, response.form, response.round, key)
            return self._db.one("SELECT status FROM files WHERE sha256 = ?", (file.sha256,))[0]

    def _insert_response(self, sha256: str, response: ResponseRecord, key: str) -> None:
        self._db.execute(
            "INSERT INTO responses (sha256, content, form, version, lang, round, unit, spelling_key, unit_key, answers, "
            "scores, levels, provisional, saved_at, saved_order, answered, state) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept')",
            (
                sha256,
                *(response.content, response.form, response.version, response.lang, response.round, response.unit),
                unit_key(response.unit),
                key,
                *(to_json(response.answers), to_json(response.scores), to_json(response.levels)),
                to_json(response.provisional),
                *(response.saved_at, saved_order(response.saved_at), response.answered),
            ),
        )
        self._db.execute_many(
            "INSERT INTO answers (sha256, question, item, value) VALUES (?, ?, ?, ?)",
            [(sha256, *answer) for answer in answer_rows(response.answers)],
        )

    def save_form(self, content: str, form: str, version: str, definition: dict) -> None:
        """Keep the definition of a form version (the latest given wins: a corrected label replaces the old)."""
        self._db.execute(
            "INSERT INTO forms (content, form, version, definition) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (content, form, version) DO UPDATE SET definition = excluded.definition",
            (content, form, version, to_json(definition)),
        )

    def form_definition(self, content: str, form: str, version: str) -> dict | None:
        row = self._db.one(
            "SELECT definition FROM forms WHERE content = ? AND form = ? AND version = ?", (content, form, version)
        )
        return json.loads(row[0]) if row else None

    # Reading back.

    def rounds(self) -> list[str]:
        """The rounds that have responses, in natural order."""
        labels = [label for (label,) in self._db.rows("SELECT DISTINCT round FROM responses WHERE state = 'kept'")]
        return sorted(labels, key=round_order)

    def responses(self, round: str | None = None, form: str | None = None) -> Iterator[StoredResponse]:
        """The kept responses (no duplicates, nothing withdrawn), streamed in the order (form, round, unit key,
        SHA-256). Do not write to the store while iterating."""
        where, params = ["r.state = 'kept'"], []
        for column, value in (("r.round", round), ("r.form", form)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        c = self._db.collate
        sql = (
            f"SELECT {RESPONSE_COLUMNS}, f.path FROM responses r JOIN files f ON f.sha256 = r.sha256 "
            f"WHERE {' AND '.join(where)} ORDER BY r.form{c}, r.round{c}, r.unit_key{c}, r.sha256{c}"
        )
        for row in self._db.stream(sql, tuple(params)):
            yield stored_response(row[:-1], row[-1])

    def files(self, round: str | None = None) -> Iterator[StoredFile]:
        """Every file recorded (or those whose response is in `round`), ordered by path then SHA-256."""
        where, params = ("", ()) if round is None else (" WHERE r.round = ?", (round,))
        c = self._db.collate
        for row in self._db.stream(f"{FILE_SELECT}{where} ORDER BY f.path{c}, f.sha256{c}", params):
            yield stored_file(row)

    def info(self) -> StoreInfo:
        counts = self._db.rows("SELECT form, round, COUNT(*) FROM responses WHERE state = 'kept' GROUP BY form, round")
        statuses = self._db.rows("SELECT status, COUNT(*) FROM files GROUP BY status")
        return StoreInfo(
            location=self.location,
            backend=self.backend,
            schema_version=self._db.one("SELECT MAX(version) FROM schema_migrations")[0],
            rounds=self.rounds(),
            counts={(form, label): count for form, label, count in sorted(counts)},
            files=sum(count for _, count in statuses),
            responses=sum(count for _, _, count in counts),
            statuses=dict(sorted(statuses)),
        )

    # Managing.

    def backup(self, target: Path) -> None:
        """A consistent copy of a SQLite store, taken while others may write; PostgreSQL: use pg_dump."""
        target = Path(target)
        if self.backend != "sqlite":
            command = f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(self.location)}"
            raise StoreError(f"back up a PostgreSQL store with pg_dump: {command} ({PASSWORD_ADVICE})")
        if target.exists():
            raise StoreError(f"{target} already exists: give a new file name for the backup")
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except OSError as error:
            raise StoreError(f"cannot write the backup {target}: {error.strerror}") from None
        self._db.backup_to(target)
        with self._db.transaction():
            management.record(self._db, "backup", {"target": str(target)}, "done")

    def alias(self, from_unit: str, to_unit: str) -> int:
        """Make `from_unit` another spelling of `to_unit`; returns how many responses changed unit."""
        return management.alias(self._db, from_unit, to_unit)

    def withdraw(self, sha256: str) -> None:
        """Take a response out of the reports; the file stays recorded."""
        management.withdraw(self._db, sha256)

    def forget_unit(self, unit: str) -> int:
        """Delete a unit's responses and answers; returns how many responses were deleted."""
        return management.forget_unit(self._db, unit)

    def actions(self) -> list[tuple[str, str, str, str, str]]:
        """What was done to the store by hand: (done_at, done_by, action, args as JSON, result), oldest first."""
        return management.actions(self._db)

    @property
    def campaigns(self) -> CampaignLedger:
        """What campaigns sent, drafted and recorded (aitk-forms campaign)."""
        return CampaignLedger(self._db, lambda unit: management.resolve_unit(self._db, unit))

    @property
    def mail_seen(self) -> MailSeen:
        """The messages imports have taken from mailboxes and IMAP folders, so none is parsed or fetched twice."""
        return MailSeen(self._db)

    def export_csv(self, out: Path) -> list[Path]:
        """responses.csv, answers.csv and scores.csv of the kept responses, in `out`."""
        return export.write_csv(self.responses(), Path(out))


def file_row(file: FileRecord) -> tuple:
    source = None if file.source is None else to_json(file.source)
    problems = to_json(list(file.problems))
    return (
        *(file.sha256, file.path, file.size, file.seen_at, file.status, file.status, file.reason, file.format, problems),
        *(source, file.form, file.round, file.unit),
    )


def answer_rows(answers: dict) -> list[tuple[str, int, str]]:
    """(question, item, value) rows: one per choice of a list, one for any other answer."""
    rows = []
    for question, value in answers.items():
        values = value if isinstance(value, list) else [value]
        rows.extend((question, item, value_text(one)) for item, one in enumerate(values) if one is not None)
    return rows


def stored_response(row: tuple, path: str) -> StoredResponse:
    content, form, version, lang, label, unit, answers, scores, levels, provisional = row[:10]
    saved_at, answered, sha256, key, state, reason = row[10:]
    return StoredResponse(
        *(content, form, version, lang, label, unit),
        *(json.loads(answers), json.loads(scores), json.loads(levels), json.loads(provisional)),
        saved_at=saved_at,
        answered=answered,
        sha256=sha256,
        path=path,
        unit_key=key,
        state=state,
        reason=reason,
    )


def stored_file(row: tuple) -> StoredFile:
    sha256, path, size, seen_at, status, reason, kind, problems, source = row[:9]
    response = stored_response(row[9:], path) if row[9] is not None else None
    return StoredFile(
        *(sha256, path, size, seen_at, status),
        reason=response.reason if response and response.reason else reason,
        format=kind,
        problems=tuple(json.loads(problems)),
        source=None if source is None else json.loads(source),
        response=response,
    )
