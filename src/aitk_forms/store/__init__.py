"""The store: a database of every file imported and every response kept, across rounds (a SQLite file by
default, PostgreSQL for a team). `open_store` is the way in."""

from __future__ import annotations

import os

from .database import Database, PostgresDatabase, open_sqlite
from .records import (
    UNASSIGNED,
    FileRecord,
    ResponseRecord,
    StoredFile,
    StoredResponse,
    StoreError,
    StoreInfo,
    round_order,
    unit_key,
)
from .schema import migrate
from .store import Store

DEFAULT_STORE = "aitk-forms.db"
URL_SCHEMES = ("postgresql://", "postgres://")

__all__ = [
    "DEFAULT_STORE",
    "UNASSIGNED",
    "FileRecord",
    "ResponseRecord",
    "Store",
    "StoreError",
    "StoreInfo",
    "StoredFile",
    "StoredResponse",
    "open_store",
    "round_order",
    "store_spec",
    "unit_key",
]


def store_spec(spec: str | os.PathLike | None) -> str:
    """What `--store` means when given `spec`: itself, else $AITK_STORE, else aitk-forms.db here."""
    if spec is None:
        spec = os.environ.get("AITK_STORE") or DEFAULT_STORE
    return os.fspath(spec)


def open_store(spec: str | os.PathLike | None) -> Store | None:
    """Open (creating and migrating as needed) the store `spec` names; None for "none" (no store)."""
    text = store_spec(spec)
    if text.strip().casefold() == "none":
        return None
    notes: list[str] = []
    database: Database
    if text.startswith(URL_SCHEMES):
        database = PostgresDatabase(text)
    else:
        database, notes = open_sqlite(text)
    try:
        migrate(database)
    except BaseException:
        database.close()
        raise
    return Store(database, notes)
