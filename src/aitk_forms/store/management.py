"""What a coordinator does to a store by hand: alias two spellings of a unit, withdraw a response sent by
mistake, forget a unit's data. Each runs alone, in one transaction, and leaves a row in `actions`."""

from __future__ import annotations

import getpass

from . import campaigns
from .database import Database
from .duplicates import groups_of, settle_group
from .records import StoreError, now_utc, to_json, unit_key


def resolve_unit(database: Database, unit: str) -> str:
    """The key a unit is filed under: its spelling-blind key, or the unit it was aliased to. Aliases are kept
    flat (every alias points at a unit that is not itself an alias), so one look-up is enough."""
    key = unit_key(unit)
    if not key:
        return ""
    row = database.one("SELECT to_key FROM aliases WHERE from_key = ?", (key,))
    return row[0] if row else key


def record(database: Database, action: str, args: dict, result: str) -> None:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no login name for this user id (containers)
        who = "unknown"
    # Numbered in order: management actions run alone, so MAX + 1 cannot collide.
    database.execute(
        "INSERT INTO actions (seq, done_at, done_by, action, args, result) "
        "SELECT COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ? FROM actions",
        (now_utc(), who, action, to_json(args), result),
    )


def alias(database: Database, from_unit: str, to_unit: str) -> int:
    """File `from_unit` under `to_unit` from now on, moving its responses and re-applying the duplicate rule;
    returns how many responses moved (0 when the two are already one unit)."""
    from_key = unit_key(from_unit)
    if not from_key or not unit_key(to_unit):
        raise StoreError("give two unit names: aitk-forms store alias FROM TO")
    with database.transaction():
        database.lock_exclusive()
        target = resolve_unit(database, to_unit)
        if resolve_unit(database, from_unit) == target:
            return 0
        database.execute("DELETE FROM aliases WHERE from_key = ?", (from_key,))
        database.execute(
            "INSERT INTO aliases (from_key, to_key, from_unit, to_unit, created_at) VALUES (?, ?, ?, ?, ?)",
            (from_key, target, from_unit, to_unit, now_utc()),
        )
        # Spellings filed under from_unit follow it to the new target.
        database.execute("UPDATE aliases SET to_key = ? WHERE to_key = ?", (target, from_key))
        spellings = [key for (key,) in database.rows("SELECT from_key FROM aliases WHERE to_key = ?", (target,))]
        where = f"spelling_key IN ({', '.join('?' * len(spellings))}) AND unit_key <> ?"
        params = (*spellings, target)
        groups = groups_of(database, where, params)
        moved = database.execute(f"UPDATE responses SET unit_key = ? WHERE {where}", (target, *params)).rowcount
        for form, label, old_key in sorted(groups):
            settle_group(database, form, label, old_key)
            settle_group(database, form, label, target)
        record(database, "alias", {"from": from_unit, "to": to_unit}, f"{moved} responses moved")
    return moved


def withdraw(database: Database, sha256: str) -> None:
    """Take one response out of the reports (another return of its unit may take its place)."""
    sha256 = sha256.strip().lower()
    with database.transaction():
        database.lock_exclusive()
        row = database.one("SELECT form, round, unit_key, state FROM responses WHERE sha256 = ?", (sha256,))
        if row is None:
            raise StoreError(no_response(database, sha256))
        if row[3] == "withdrawn":
            raise StoreError(f"the response of {sha256} is already withdrawn")
        reason = f"withdrawn on {now_utc()} (aitk-forms store withdraw)"
        database.execute("UPDATE responses SET state = 'withdrawn', reason = ? WHERE sha256 = ?", (reason, sha256))
        database.execute("UPDATE files SET status = read_status WHERE sha256 = ?", (sha256,))
        settle_group(database, *row[:3])
        record(database, "withdraw", {"sha256": sha256}, "withdrawn")


def no_response(database: Database, sha256: str) -> str:
    row = database.one("SELECT path, status FROM files WHERE sha256 = ?", (sha256,))
    if row is None:
        return (
            f"no file with SHA-256 {sha256} in {database.location}: "
            "copy the SHA-256 from import-log.csv or from `aitk-forms import --json`"
        )
    return f"{row[0] or sha256} has no response to withdraw (its status is {row[1]})"


def forget_unit(database: Database, unit: str) -> int:
    """Delete every response of a unit (all forms and rounds) with its answers; the files stay known by
    hash and status only, so importing them again reads nothing back in. Returns how many were deleted."""
    if not unit_key(unit):
        raise StoreError("give the unit to forget: aitk-forms store forget --unit UNIT")
    with database.transaction():
        database.lock_exclusive()
        key = resolve_unit(database, unit)
        of_unit = "sha256 IN (SELECT sha256 FROM responses WHERE unit_key = ?)"
        note = f"response deleted on {now_utc()} (aitk-forms store forget)"
        # Paths, mail senders and problem messages can name people: they go with the answers.
        cleared = "path = '', reason = ?, problems = '[]', source = NULL, form = NULL, round = NULL, unit = NULL"
        database.execute(f"UPDATE files SET {cleared} WHERE {of_unit}", (note, key))
        # A rejected file keeps the identity it declared (no response): it names the unit too.
        named = database.rows("SELECT sha256, unit FROM files WHERE unit IS NOT NULL")
        for sha256 in [sha256 for sha256, text in named if resolve_unit(database, text) == key]:
            database.execute(f"UPDATE files SET {cleared} WHERE sha256 = ?", (note, sha256))
        database.execute(f"DELETE FROM answers WHERE {of_unit}", (key,))
        count = database.execute("DELETE FROM responses WHERE unit_key = ?", (key,)).rowcount
        database.execute("DELETE FROM aliases WHERE to_key = ? OR from_key = ?", (key, key))
        campaigns.forget_unit(database, key)
        record(database, "forget", {"unit": unit}, f"{count} responses deleted")
    return count


def actions(database: Database) -> list[tuple[str, str, str, str, str]]:
    """The record of what was done: (done_at, done_by, action, args as JSON, result), oldest first."""
    return database.rows("SELECT done_at, done_by, action, args, result FROM actions ORDER BY seq")
