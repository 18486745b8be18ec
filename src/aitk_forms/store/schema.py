"""The schema's history: numbered SQL files in migrations/ (NNNN_name.sql), applied in order inside one
transaction and recorded in `schema_migrations`. A store is migrated when opened, never rebuilt.

Plain SQL files rather than Alembic: the schema is small, the same SQL runs on SQLite and PostgreSQL, and
an administrator can read exactly what an upgrade will do to their database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from .database import Database
from .records import StoreError, now_utc

# The tables a store owns; a database holding some of them without a migration record is not ours to touch.
OWN_TABLES = {"files", "responses", "answers", "forms", "aliases", "actions"}
OWN_TABLES |= {"campaign_respondents", "campaign_forms", "campaign_messages", "campaign_sends", "mail_seen"}
_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def available() -> list[Migration]:
    """The migrations this version of aitk-forms knows, in order."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), split_statements(entry.read_text("utf-8"))))
    found.sort(key=lambda migration: migration.version)
    return found


def split_statements(sql: str) -> tuple[str, ...]:
    """The statements of a migration file: comment lines dropped, split where a line ends with `;`."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    pieces = re.split(r";[ \t]*$", "\n".join(lines), flags=re.MULTILINE)
    return tuple(piece.strip() for piece in pieces if piece.strip())


def applied(database: Database) -> dict[int, str]:
    """The migrations recorded in the database ({} for a new one)."""
    if "schema_migrations" not in database.table_names():
        return {}
    return dict(database.rows("SELECT version, name FROM schema_migrations"))


def migrate(database: Database, target: int | None = None) -> int:
    """Bring the database's schema up to `target` (default: the latest); returns its version."""
    known = available()
    target = known[-1].version if target is None else target
    done = applied(database)
    check_history(database, done, known)
    if all(migration.version in done for migration in known if migration.version <= target):
        return max(done)
    with database.transaction():
        database.lock_exclusive()
        tables = database.table_names()
        if "schema_migrations" not in tables:
            refuse_foreign(database, tables)
            database.execute(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        done = applied(database)  # again, under the lock: another process may have just migrated
        for migration in known:
            if migration.version in done or migration.version > target:
                continue
            for statement in migration.statements:
                database.execute(statement)
            database.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now_utc()),
            )
            done[migration.version] = migration.name
    return max(done)


def check_history(database: Database, done: dict[int, str], known: list[Migration]) -> None:
    """Refuse a store written by a newer aitk-forms, or one whose recorded history differs from ours."""
    names = {migration.version: migration.name for migration in known}
    newer = [version for version in done if version not in names]
    if newer:
        raise StoreError(
            f"{database.location} was written by a newer aitk-forms (schema version {max(newer)}; this one knows up to "
            f"{max(names)}): upgrade aitk-forms to use this store"
        )
    for version, name in done.items():
        if names[version] != name:
            raise StoreError(
                f"{database.location}: schema migration {version} is recorded as '{name}' but this aitk-forms calls it "
                f"'{names[version]}': the store was not made by this project's releases; restore it from a backup"
            )


def refuse_foreign(database: Database, tables: set[str]) -> None:
    """A SQLite file is the store's alone; a PostgreSQL database may hold other tables, but none of ours."""
    clashing = tables if database.backend == "sqlite" else tables & OWN_TABLES
    if clashing:
        raise StoreError(
            f"{database.location} already holds tables ({', '.join(sorted(clashing))}) but no aitk-forms schema record: "
            "it is not an aitk-forms store; give another --store"
        )
