"""What the store keeps of campaigns: the respondents of a round, the personalised forms each was sent, every
message drafted and every attempt to send one; and the returns a campaign's status sets beside them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace

from .database import Database
from .records import now_utc, to_json, unit_key


@dataclass(frozen=True)
class CampaignRespondent:
    """One row of a respondents file as it was last drafted for a round."""

    key: str  # the unit and use case, spelling-blind: one respondent per key and round
    unit: str
    use_case: str
    name: str
    email: str
    cc: tuple[str, ...]
    lang: str
    extra: tuple[tuple[str, str], ...]  # the file's other columns
    sender: str  # the address the forms go back to
    deadline: str | None  # ISO 8601 date
    formats: tuple[str, ...]


@dataclass(frozen=True)
class CampaignForm:
    """One personalised form of a round: the unit in its identity, the respondent whose message carries it."""

    form: str
    unit: str
    respondent: str
    prefill: dict  # the unit's answers written into it
    attachments: tuple[str, ...]  # the file names it was sent under, one per format
    drafted_at: str = ""

    @property
    def unit_key(self) -> str:
        return unit_key(self.unit)


@dataclass(frozen=True)
class CampaignMessage:
    key: str
    respondent: str
    kind: str  # invitation | reminder
    path: str  # the .eml written
    message_id: str
    forms: tuple[str, ...]  # the form ids it carries
    drafted_at: str = ""


@dataclass(frozen=True)
class SendAttempt:
    message_key: str
    message_id: str
    sent_at: str
    result: str  # sent | failed
    detail: str


@dataclass(frozen=True)
class ReturnSeen:
    """A file in the store that may be a campaign form come back: a kept response, or a rejected file."""

    sha256: str
    path: str
    seen_at: str
    status: str
    reason: str | None
    problems: tuple[dict, ...]
    source: dict | None
    form: str | None = None  # None for a rejected file whose identity could not be read
    unit_key: str | None = None
    round: str | None = None  # a rejected file's round, when its identity named one


class CampaignLedger:
    """The campaign tables of one open store; `resolve` gives the key a unit's returns are filed under."""

    def __init__(self, database: Database, resolve: Callable[[str], str]):
        self._db = database
        self._resolve = resolve

    def record_draft(
        self, round_label: str, respondent: CampaignRespondent, forms: list[CampaignForm], message: CampaignMessage
    ) -> None:
        """Keep a respondent, the forms drafted for them and the message carrying the forms, in one transaction;
        a respondent or form drafted again (an address fixed, a late addition) replaces the earlier draft."""
        now = now_utc()
        with self._db.transaction():
            self._db.lock_shared()
            self._db.execute(
                "INSERT INTO campaign_respondents (round, respondent, unit, unit_key, use_case, name, email, cc, lang, extra, "
                "sender, deadline, formats, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (round, respondent) DO UPDATE SET unit = excluded.unit, use_case = excluded.use_case, "
                "name = excluded.name, email = excluded.email, cc = excluded.cc, lang = excluded.lang, "
                "extra = excluded.extra, sender = excluded.sender, deadline = excluded.deadline, "
                "formats = excluded.formats, updated_at = excluded.updated_at",
                _respondent_row(round_label, respondent, now),
            )
            for form in forms:
                self._db.execute(
                    "INSERT INTO campaign_forms (round, form, unit_key, unit, respondent, prefill, attachments, drafted_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round, form, unit_key) DO UPDATE SET unit = excluded.unit, "
                    "respondent = excluded.respondent, prefill = excluded.prefill, attachments = excluded.attachments, "
                    "drafted_at = excluded.drafted_at",
                    (round_label, form.form, form.unit_key, form.unit, form.respondent, to_json(form.prefill),
                     to_json(list(form.attachments)), now),
                )  # fmt: skip
            self.record_message(round_label, message, now)

    def record_message(self, round_label: str, message: CampaignMessage, now: str | None = None) -> None:
        """Keep a message drafted (a reminder, or inside record_draft an invitation); a new draft replaces the old."""
        self._db.execute(
            "INSERT INTO campaign_messages (round, message_key, respondent, kind, path, message_id, forms, drafted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (round, message_key) DO UPDATE SET path = excluded.path, "
            "message_id = excluded.message_id, forms = excluded.forms, drafted_at = excluded.drafted_at",
            (round_label, message.key, message.respondent, message.kind, message.path, message.message_id,
             to_json(list(message.forms)), now or now_utc()),
        )  # fmt: skip

    def record_reminder(self, round_label: str, message: CampaignMessage) -> None:
        with self._db.transaction():
            self._db.lock_shared()
            self.record_message(round_label, message)

    def record_send(self, round_label: str, attempt: SendAttempt) -> None:
        """Keep one attempt to send a message, at once: a run stopped later keeps what was sent."""
        with self._db.transaction():
            # Numbered in order: sends run one at a time under the exclusive lock, so MAX + 1 cannot collide.
            self._db.lock_exclusive()
            self._db.execute(
                "INSERT INTO campaign_sends (seq, round, message_key, message_id, sent_at, result, detail) "
                "SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM campaign_sends",
                (round_label, attempt.message_key, attempt.message_id, attempt.sent_at, attempt.result, attempt.detail),
            )

    def was_sent(self, round_label: str, message_key: str) -> bool:
        row = self._db.one(
            "SELECT 1 FROM campaign_sends WHERE round = ? AND message_key = ? AND result = 'sent'", (round_label, message_key)
        )
        return row is not None

    def rounds(self) -> list[str]:
        """The rounds that have a campaign (not yet in natural order)."""
        return [label for (label,) in self._db.rows("SELECT DISTINCT round FROM campaign_respondents")]

    def respondents(self, round_label: str) -> list[CampaignRespondent]:
        c = self._db.collate
        rows = self._db.rows(
            "SELECT respondent, unit, use_case, name, email, cc, lang, extra, sender, deadline, formats "
            f"FROM campaign_respondents WHERE round = ? ORDER BY unit_key{c}, respondent{c}",
            (round_label,),
        )
        return [_respondent(row) for row in rows]

    def forms(self, round_label: str) -> list[CampaignForm]:
        c = self._db.collate
        rows = self._db.rows(
            "SELECT form, unit, respondent, prefill, attachments, drafted_at FROM campaign_forms "
            f"WHERE round = ? ORDER BY unit_key{c}, form{c}",
            (round_label,),
        )
        return [CampaignForm(f, u, r, json.loads(p), tuple(json.loads(a)), d) for f, u, r, p, a, d in rows]

    def messages(self, round_label: str) -> list[CampaignMessage]:
        c = self._db.collate
        rows = self._db.rows(
            "SELECT message_key, respondent, kind, path, message_id, forms, drafted_at FROM campaign_messages "
            f"WHERE round = ? ORDER BY drafted_at{c}, message_key{c}",
            (round_label,),
        )
        return [CampaignMessage(k, r, kind, p, m, tuple(json.loads(f)), d) for k, r, kind, p, m, f, d in rows]

    def attempts(self, round_label: str) -> list[SendAttempt]:
        """Every attempt to send a message of the round, oldest first."""
        rows = self._db.rows(
            "SELECT message_key, message_id, sent_at, result, detail FROM campaign_sends WHERE round = ? ORDER BY seq",
            (round_label,),
        )
        return [SendAttempt(*row) for row in rows]

    def resolve_unit(self, unit: str) -> str:
        """The key the store files a unit's returns under (aliases followed)."""
        return self._resolve(unit)

    def returns(self, round_label: str) -> list[ReturnSeen]:
        """The kept responses of the round, each with its file's status, problems and the message it came in."""
        c = self._db.collate
        rows = self._db.rows(
            "SELECT f.sha256, f.path, f.seen_at, f.status, f.reason, f.problems, f.source, r.form, r.unit_key "
            "FROM responses r JOIN files f ON f.sha256 = r.sha256 "
            f"WHERE r.round = ? AND r.state = 'kept' ORDER BY r.form{c}, r.unit_key{c}",
            (round_label,),
        )
        return [_seen(row) for row in rows]

    def rejected(self, since: str) -> list[ReturnSeen]:
        """Rejected files seen since `since` (ISO 8601), oldest first; forgotten ones (no path) left out."""
        c = self._db.collate
        rows = self._db.rows(
            "SELECT sha256, path, seen_at, status, reason, problems, source, form, unit, round FROM files "
            f"WHERE status = 'rejected' AND path <> '' AND seen_at >= ? ORDER BY seen_at{c}, sha256{c}",
            (since,),
        )
        # The identity a rejected file declared, its unit filed under the same key as returns (aliases followed).
        return [replace(_seen(row[:8] + (self._resolve(row[8]) if row[8] else None,)), round=row[9]) for row in rows]


def forget_unit(database: Database, key: str) -> None:
    """Inside `forget --unit`: the unit's respondents (names, addresses), forms, messages and sends go too."""
    of_respondents = "respondent IN (SELECT respondent FROM campaign_respondents WHERE unit_key = ?)"
    messages = f"SELECT message_key FROM campaign_messages WHERE {of_respondents}"
    database.execute(f"DELETE FROM campaign_sends WHERE message_key IN ({messages})", (key,))
    database.execute(f"DELETE FROM campaign_messages WHERE {of_respondents}", (key,))
    database.execute(f"DELETE FROM campaign_forms WHERE unit_key = ? OR {of_respondents}", (key, key))
    database.execute("DELETE FROM campaign_respondents WHERE unit_key = ?", (key,))


def _respondent_row(round_label: str, respondent: CampaignRespondent, now: str) -> tuple:
    return (
        *(round_label, respondent.key, respondent.unit, unit_key(respondent.unit), respondent.use_case, respondent.name),
        *(respondent.email, to_json(list(respondent.cc)), respondent.lang, to_json(dict(respondent.extra))),
        *(respondent.sender, respondent.deadline, to_json(list(respondent.formats)), now),
    )


def _respondent(row: tuple) -> CampaignRespondent:
    key, unit, use_case, name, address, cc, lang, extra, sender, deadline, formats = row
    return CampaignRespondent(
        *(key, unit, use_case, name, address, tuple(json.loads(cc)), lang),
        extra=tuple(json.loads(extra).items()),
        sender=sender,
        deadline=deadline,
        formats=tuple(json.loads(formats)),
    )


def _seen(row: tuple) -> ReturnSeen:
    sha256, path, seen_at, status, reason, problems, source, form, key = row
    return ReturnSeen(
        *(sha256, path, seen_at, status, reason, tuple(json.loads(problems))),
        source=None if source is None else json.loads(source),
        form=form,
        unit_key=key,
    )
