"""The duplicate rule: of the returns of one (form, round, unit), the store keeps the one with most answers,
then the latest save time the file records, then the lowest SHA-256. The rule looks only at the returns,
never at the order they arrived in, so every machine and every order of import ends with the same store."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database

DUPLICATE_REASON = "another return of the same form, round and unit was kept: {path}"


@dataclass(frozen=True)
class Candidate:
    sha256: str
    answered: int
    saved_order: str  # "" when the file records no save time: any recorded time is later
    state: str
    reason: str | None
    path: str
    read_status: str
    status: str


def choose_kept(candidates: list[Candidate]) -> Candidate:
    """The return the rule keeps."""
    # Stable sorts, least important key first.
    ordered = sorted(candidates, key=lambda candidate: candidate.sha256)
    ordered.sort(key=lambda candidate: candidate.saved_order, reverse=True)
    ordered.sort(key=lambda candidate: candidate.answered, reverse=True)
    return ordered[0]


def settle_group(database: Database, form: str, round_label: str, key: str) -> None:
    """Apply the rule to one group (inside the caller's transaction), updating only what changes.
    Returns of an unknown unit (key "") are not returns of one unit: all of them are kept."""
    rows = database.rows(
        "SELECT r.sha256, r.answered, r.saved_order, r.state, r.reason, f.path, f.read_status, f.status "
        "FROM responses r JOIN files f ON f.sha256 = r.sha256 "
        "WHERE r.form = ? AND r.round = ? AND r.unit_key = ? AND r.state <> 'withdrawn'",
        (form, round_label, key),
    )
    candidates = [Candidate(*row) for row in rows]
    if not candidates:
        return
    kept = choose_kept(candidates) if key else None
    for candidate in candidates:
        if kept is None or candidate.sha256 == kept.sha256:
            wanted = ("kept", None, candidate.read_status)
        else:
            wanted = ("duplicate", DUPLICATE_REASON.format(path=kept.path), "duplicate")
        if wanted != (candidate.state, candidate.reason, candidate.status):
            database.execute("UPDATE responses SET state = ?, reason = ? WHERE sha256 = ?", (*wanted[:2], candidate.sha256))
            database.execute("UPDATE files SET status = ? WHERE sha256 = ?", (wanted[2], candidate.sha256))


def groups_of(database: Database, where: str, params: tuple) -> set[tuple[str, str, str]]:
    """The (form, round, unit key) groups of the responses matching `where`."""
    return set(database.rows(f"SELECT DISTINCT form, round, unit_key FROM responses WHERE {where}", params))
