"""What goes into the store and what comes out of it, and the small rules that shape it: the unit key,
the natural order of rounds and the order of save times."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

UNASSIGNED = "unassigned"
# Statuses a file can be given by the importer; the store adds "duplicate" (and "known" as an answer).
READ_STATUSES = ("accepted", "accepted_with_warnings", "rejected", "ignored")
ACCEPTED = ("accepted", "accepted_with_warnings")


class StoreError(Exception):
    """The store cannot be opened or cannot do what was asked; the message says what to do."""


@dataclass(frozen=True)
class FileRecord:
    """One file seen by an import, as the importer judged it."""

    sha256: str
    path: str
    size: int
    seen_at: str  # ISO 8601 UTC
    status: str  # accepted | accepted_with_warnings | rejected | ignored
    reason: str | None
    format: str | None
    problems: tuple[dict, ...] = ()  # ({"question": ..., "message": ...}, ...)
    source: dict | None = None  # mail provenance, or None
    form: str | None = None  # the identity the file declared, when it could be read (rejected files too)
    round: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class ResponseRecord:
    """What an accepted file answered, with its final results."""

    content: str
    form: str
    version: str
    lang: str
    round: str  # UNASSIGNED when none
    unit: str  # display spelling, "" when unknown
    answers: dict  # question id -> choice id / [choice ids] / str / number, as read
    scores: dict  # final results only: {key: number}
    levels: dict  # {key: level id}
    provisional: dict  # {key: {"answered": n, "needed": m}}
    saved_at: str | None  # the save time the file records (ISO 8601), for the duplicate rule
    answered: int  # how many questions are answered, for the duplicate rule


@dataclass(frozen=True)
class StoredResponse(ResponseRecord):
    """A response as the store holds it."""

    sha256: str = ""
    path: str = ""
    unit_key: str = ""
    state: str = "kept"  # kept | duplicate | withdrawn
    reason: str | None = None  # why it is a duplicate or was withdrawn


@dataclass(frozen=True)
class StoredFile:
    """A file as the store holds it: `status` is final (an accepted file may have become "duplicate")."""

    sha256: str
    path: str
    size: int
    seen_at: str
    status: str
    reason: str | None
    format: str | None
    problems: tuple[dict, ...]
    source: dict | None
    response: StoredResponse | None  # None for files without a response, and after `forget_unit`


@dataclass(frozen=True)
class StoreInfo:
    """What `aitk-forms store info` shows."""

    location: str
    backend: str  # sqlite | postgresql
    schema_version: int
    rounds: list[str]
    counts: dict[tuple[str, str], int]  # (form, round) -> kept responses
    files: int
    responses: int  # kept responses
    statuses: dict[str, int] = field(default_factory=dict)  # file status -> files


def unit_key(unit: str) -> str:
    """The spelling-blind form of a unit name: NFKC, case folded, white space collapsed."""
    return " ".join(unicodedata.normalize("NFKC", unit).casefold().split())


_PIECES = re.compile(r"(\d+)")


def round_order(label: str) -> tuple:
    """Sort key putting round labels in natural order: "2025" < "2026" < "2026-Q2", "round 9" < "round 10"."""
    pieces = []
    for index, piece in enumerate(_PIECES.split(label)):
        if not piece:
            continue
        # Numbers sort before text at the same position, and by value; the label itself breaks ties.
        pieces.append((0, int(piece), "") if index % 2 else (1, 0, piece.casefold()))
    return (tuple(pieces), label)


def saved_order(saved_at: str | None) -> str:
    """A string that sorts save times chronologically whatever offset they were written with ("" when unknown).
    A time without an offset is taken as UTC."""
    if not saved_at:
        return ""
    try:
        moment = datetime.fromisoformat(saved_at.strip())
    except ValueError:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def to_json(value) -> str:
    """The one JSON spelling the store writes, so equal contents give equal text on both databases."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def value_text(value) -> str:
    """One answer value or score as text, the same whichever database it came from: whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    return to_json(value)
