"""What the store keeps of mail already taken: message keys and IMAP UIDs of messages read whole, with the files each
carried, so that a second import of a mailbox neither parses nor fetches them again."""

from __future__ import annotations

import json

from .database import Database
from .records import now_utc

BY_KEY = ""  # the place of messages known by their message key, wherever they lie


class MailSeen:
    """The mail_seen table: one row per message taken, by key (place '') or by IMAP UID (place: the folder's URL)."""

    def __init__(self, database: Database):
        self._db = database

    def items(self, place: str = BY_KEY) -> dict[str, list[tuple[str, str]]]:
        """Every item taken at `place`, with the (sha256, path) of each file its message carried."""
        rows = self._db.stream("SELECT item, files FROM mail_seen WHERE place = ?", (place,))
        return {item: [tuple(pair) for pair in json.loads(files)] for item, files in rows}

    def remember(self, place: str, items: dict[str, list[tuple[str, str]]]) -> None:
        """Record items taken at `place` in one transaction; an item already recorded is kept as it was."""
        if not items:
            return
        seen_at = now_utc()
        rows = [(place, item, json.dumps([list(pair) for pair in files]), seen_at) for item, files in items.items()]
        with self._db.transaction():
            self._db.execute_many(
                "INSERT INTO mail_seen (place, item, files, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (place, item) DO NOTHING",
                rows,
            )
