"""The two databases a store can live in, behind one small surface: the same SQL (written with `?`
placeholders) runs on both; what must differ (locking, ordering of text, streaming) is kept here."""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .records import StoreError

BUSY_SECONDS = 120  # how long a writer waits for another process's transaction before giving up
STREAM_BATCH = 500  # rows a PostgreSQL server-side cursor sends at a time
INSTALL_POSTGRESQL = "pip install 'aitk-forms[postgresql]'"
PASSWORD_ADVICE = "the password comes from the PGPASSWORD environment variable or ~/.pgpass"
_OCTAL = re.compile(r"\\([0-7]{3})")  # how /proc/mounts writes a space (\040) and other special characters
# File systems on which SQLite's locks cannot be trusted.
NETWORK_FILESYSTEMS = ("nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs")


def lock_number(*parts: str) -> int:
    """A signed 64-bit PostgreSQL advisory lock number for a name (stable across processes and machines)."""
    digest = hashlib.sha256("\0".join(("aitk-forms", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Database:
    """A connection to the store's database. Subclasses fill in what differs."""

    backend = ""
    location = ""
    # Appended to text columns in ORDER BY: both databases then order text by its bytes (code points).
    collate = ""

    def execute(self, sql: str, params: Sequence = ()):
        raise NotImplementedError

    def execute_many(self, sql: str, rows: list[Sequence]) -> None:
        raise NotImplementedError

    def rows(self, sql: str, params: Sequence = ()) -> list[tuple]:
        return list(self.execute(sql, params).fetchall())

    def one(self, sql: str, params: Sequence = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def stream(self, sql: str, params: Sequence = ()) -> Iterator[tuple]:
        raise NotImplementedError

    def transaction(self):
        raise NotImplementedError

    def lock_shared(self) -> None:
        """Inside a transaction: let management actions wait for this one (adds run side by side)."""

    def lock_exclusive(self) -> None:
        """Inside a transaction: run alone (migrations and management actions)."""

    def lock_group(self, form: str, round_label: str, key: str) -> None:
        """Inside a transaction: one writer at a time per (form, round, unit)."""

    def table_names(self) -> set[str]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    """A SQLite file in WAL mode. BEGIN IMMEDIATE takes the file's single write lock, which makes every
    write transaction run alone; readers go on meanwhile."""

    backend = "sqlite"

    def __init__(self, path: Path):
        self.path = path
        self.location = str(path)
        try:
            self._conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_SECONDS * 1000}")
            self.journal = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            # NORMAL in WAL mode: a killed process never corrupts or half-writes; a power cut may lose the last
            # few files, which the next import then reads again.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path}: cannot be opened as a store ({error}): give another --store path") from None

    def execute(self, sql: str, params: Sequence = ()):
        return self._conn.execute(sql, params)

    def execute_many(self, sql: str, rows: list[Sequence]) -> None:
        self._conn.executemany(sql, rows)

    def stream(self, sql: str, params: Sequence = ()) -> Iterator[tuple]:
        # SQLite runs in this process and steps one row at a time: no batch of rows (with their answers) is held.
        cursor = self._conn.execute(sql, params)
        try:
            yield from cursor
        finally:
            cursor.close()

    @contextmanager
    def transaction(self):
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:  # busy for longer than the timeout, read-only, disk full
            raise StoreError(f"{self.location}: cannot write to the store ({error}); try again") from error
        try:
            yield
        except BaseException as failure:
            self._conn.execute("ROLLBACK")
            if isinstance(failure, sqlite3.OperationalError):
                raise StoreError(f"{self.location}: {failure}; nothing of this change was written") from failure
            raise
        self._conn.execute("COMMIT")

    def table_names(self) -> set[str]:
        return {name for (name,) in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def backup_to(self, target: Path) -> None:
        copy = sqlite3.connect(target)
        try:
            self._conn.backup(copy)
        finally:
            copy.close()

    def close(self) -> None:
        self._conn.close()


class PostgresDatabase(Database):
    """A PostgreSQL database through psycopg 3, in autocommit mode with explicit transactions. Adds of
    different units run in parallel; advisory locks order the ones that touch the same unit."""

    backend = "postgresql"
    collate = ' COLLATE "C"'

    def __init__(self, url: str):
        refuse_password(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError(f"a PostgreSQL store needs the psycopg package: {INSTALL_POSTGRESQL}") from None
        self.location = url
        self._names = itertools.count()
        try:
            self._conn = psycopg.connect(url, autocommit=True, application_name="aitk-forms")
        except psycopg.Error as error:
            detail = " ".join(str(error).split())
            raise StoreError(f"cannot connect to the PostgreSQL store {url}: {detail} ({PASSWORD_ADVICE})") from None
        encoding = self.one("SHOW server_encoding")[0]
        if encoding.upper() not in ("UTF8", "UTF-8"):
            self.close()
            raise StoreError(f"{url}: the database's encoding is {encoding}; create it with ENCODING 'UTF8'")

    @staticmethod
    def _sql(sql: str) -> str:
        return sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence = ()):
        return self._conn.execute(self._sql(sql), params)

    def execute_many(self, sql: str, rows: list[Sequence]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(self._sql(sql), rows)

    def stream(self, sql: str, params: Sequence = ()) -> Iterator[tuple]:
        # A server-side cursor only lives inside a transaction; it keeps memory flat on this side.
        with self._conn.transaction(), self._conn.cursor(name=f"aitk_stream_{next(self._names)}") as cursor:
            cursor.itersize = STREAM_BATCH
            cursor.execute(self._sql(sql), params)
            yield from cursor

    @contextmanager
    def transaction(self):
        import psycopg

        try:
            with self._conn.transaction():
                yield
        except psycopg.OperationalError as error:  # the server went away or shut down
            detail = " ".join(str(error).split())
            raise StoreError(f"{self.location}: {detail}; nothing of this change was written") from error

    def lock_shared(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock_shared(?)", (lock_number("store"),))

    def lock_exclusive(self) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (lock_number("store"),))

    def lock_group(self, form: str, round_label: str, key: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(?)", (lock_number("group", form, round_label, key),))

    def table_names(self) -> set[str]:
        rows = self.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
        return {name for (name,) in rows}

    def close(self) -> None:
        self._conn.close()


def refuse_password(url: str) -> None:
    """A store URL must not carry a password: it would end up in shell histories, logs and reports."""
    parts = urlsplit(url)
    if parts.password is not None or "password" in parse_qs(parts.query):
        raise StoreError(f"the store URL holds a password: remove it from the URL; {PASSWORD_ADVICE}")


def open_sqlite(path: Path) -> tuple[SqliteDatabase, list[str]]:
    """Open (creating it readable by its owner only) a SQLite store file; notes say what to watch out for."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a folder: give the path of a store file, for example {path / 'aitk-forms.db'}")
    if not path.parent.is_dir():
        raise StoreError(f"cannot create the store {path}: the folder {path.parent} does not exist")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as error:
        raise StoreError(f"cannot create the store {path}: {error.strerror}") from None
    database = SqliteDatabase(path)
    notes = []
    kind = filesystem_type(path.resolve(), read_mounts())
    if is_network_filesystem(kind):
        notes.append(
            f"{path} is on a network file system ({kind}): SQLite cannot lock it safely, so two machines writing "
            "at once may corrupt it; keep the store on a local disk, or share a PostgreSQL store"
        )
    if database.journal.lower() != "wal":
        notes.append(f"{path}: the file system refused SQLite's WAL mode (journal mode {database.journal})")
    return database, notes


def read_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text()
    except OSError:
        return ""


def filesystem_type(path: Path, mounts: str) -> str:
    """The type of the file system holding `path`, from the text of /proc/mounts ("" when unknown)."""
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _OCTAL.sub(lambda match: chr(int(match.group(1), 8)), fields[1])
        inside = str(path) == point or str(path).startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind


def is_network_filesystem(kind: str) -> bool:
    return kind in NETWORK_FILESYSTEMS or kind.startswith(("nfs", "smb", "fuse.sshfs"))
