"""`campaign status`: for every respondent x form of a round, whether it was drafted or sent and whether it came
back (returned, with warnings, rejected with its reason, or missing), with dates; as status.csv and as rows for the
consolidated workbook's Status sheet.

Returns are matched to what was sent by the identity inside the file (form, round and unit); a rejected file too,
when its identity could be read. A rejected file without one is matched by the attachment name it was sent under,
else by its sender."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import astuple
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from pathlib import Path

from ..store.campaigns import CampaignForm, CampaignLedger, CampaignMessage, CampaignRespondent, ReturnSeen, SendAttempt
from ..store.export import safe_cell
from ..store.records import round_order
from .records import COLUMNS, MISSING, REJECTED, RETURNED, WITH_WARNINGS, FormStatus, invitation_key

FILE_STATES = {"accepted": RETURNED, "accepted_with_warnings": WITH_WARNINGS}
PROBLEMS_SHOWN = 3


def campaign_status(ledger: CampaignLedger, round_label: str) -> list[FormStatus]:
    """The status of every form the round's campaign drafted, ordered by unit then form."""
    respondents = {r.key: r for r in ledger.respondents(round_label)}
    forms = ledger.forms(round_label)
    if not forms:
        return []
    messages, attempts = ledger.messages(round_label), ledger.attempts(round_label)
    returns = {(seen.form, seen.unit_key): seen for seen in ledger.returns(round_label)}
    keys = {(form.form, form.unit): (form.form, ledger.resolve_unit(form.unit)) for form in forms}
    open_forms = [form for form in forms if keys[form.form, form.unit] not in returns]
    since = min(form.drafted_at for form in forms)[:19]  # to the second: times are written with Z or +00:00
    identities = {(form.form, ledger.resolve_unit(form.unit)): form for form in open_forms}
    rejected = match_rejected(ledger.rejected(since), open_forms, respondents, identities, round_label)
    rows = []
    for form in forms:
        person = respondents.get(form.respondent)
        sent, sent_at = sending_state(messages, attempts, invitation_key(form.respondent), form.drafted_at)
        seen = returns.get(keys[form.form, form.unit]) or rejected.get((form.form, form.unit))
        rows.append(
            FormStatus(
                *(round_label, form.form, form.unit, person.name if person else "", person.email if person else ""),
                *(person.lang if person else "", sent, sent_at),
                *_returned(seen, person),
                reminded_at=_reminded(messages, attempts, form.respondent),
            )
        )
    return rows


def sending_state(messages: list[CampaignMessage], attempts: list[SendAttempt], key: str, drafted_at: str) -> tuple[str, str]:
    """("sent", when) once any attempt went out; ("failed", when) when every attempt failed; else ("drafted", when)."""
    mine = [attempt for attempt in attempts if attempt.message_key == key]
    sent = [attempt for attempt in mine if attempt.result == "sent"]
    if sent:
        return "sent", sent[-1].sent_at
    if mine:
        return "failed", mine[-1].sent_at
    drafted = [message.drafted_at for message in messages if message.key == key]
    return "drafted", drafted[-1] if drafted else drafted_at


def _reminded(messages: list[CampaignMessage], attempts: list[SendAttempt], respondent: str) -> str:
    """When the respondent was last reminded: sent, else drafted (a coordinator may send the draft by hand)."""
    keys = {message.key: message for message in messages if message.kind == "reminder" and message.respondent == respondent}
    sent = [attempt.sent_at for attempt in attempts if attempt.message_key in keys and attempt.result == "sent"]
    return max(sent or [message.drafted_at for message in keys.values()] or [""])


def _returned(seen: ReturnSeen | None, person: CampaignRespondent | None) -> tuple[str, str, str, str]:
    """(state, when, file, detail) of the return found for a form, or of its absence."""
    if seen is None:
        return MISSING, "", "", ""
    state = FILE_STATES.get(seen.status, REJECTED)
    if state == REJECTED:
        detail = seen.reason or "rejected"
    else:
        detail = "; ".join(_problem(p) for p in seen.problems[:PROBLEMS_SHOWN])
        if len(seen.problems) > PROBLEMS_SHOWN:
            detail += f" (and {len(seen.problems) - PROBLEMS_SHOWN} more)"
    sender = sender_address(seen.source)
    if sender and person is not None and sender not in respondent_addresses(person):
        detail = "; ".join(part for part in (detail, f"sent back by {sender}, not by the respondent's address") if part)
    return state, _arrival(seen), seen.path, detail


def _problem(problem: dict) -> str:
    question, message = problem.get("question"), problem.get("message", "")
    return f"{question}: {message}" if question else message


def _arrival(seen: ReturnSeen) -> str:
    """When the return arrived: the date of the message it came in, else when the import saw it."""
    date = str((seen.source or {}).get("date") or "")
    for read in (dt.datetime.fromisoformat, parsedate_to_datetime):  # the import writes ISO 8601 when it can
        try:
            return read(date).isoformat()
        except (TypeError, ValueError, IndexError):
            continue
    return seen.seen_at  # no readable Date header: the import's time is the next best


def sender_address(source: dict | None) -> str:
    return parseaddr((source or {}).get("from") or "")[1].casefold()


def respondent_addresses(person: CampaignRespondent) -> set[str]:
    return {address.casefold() for _, address in getaddresses([person.email, *person.cc]) if address}


def match_rejected(
    rejected: Iterable[ReturnSeen],
    open_forms: list[CampaignForm],
    respondents: dict[str, CampaignRespondent],
    identities: dict[tuple[str, str], CampaignForm] | None = None,
    round_label: str | None = None,
) -> dict[tuple[str, str], ReturnSeen]:
    """The latest rejected file for each form not returned: the one whose identity names the form (`identities`:
    open forms by form id and unit key) in this round; for a file whose identity could not be read, the one carrying
    a file name the form was sent under, else one sent by the form's respondent when that respondent awaits no other."""
    by_name = {name.casefold(): form for form in open_forms for name in form.attachments}
    found: dict[tuple[str, str], ReturnSeen] = {}
    for seen in rejected:
        if seen.form is not None and seen.unit_key is not None:  # the file says what it returns: no guessing
            other_round = seen.round is not None and round_label is not None and seen.round != round_label
            form = None if other_round else (identities or {}).get((seen.form, seen.unit_key))
            if form is not None:
                found[form.form, form.unit] = seen
            continue
        form = by_name.get(re.split(r"[/\\]", seen.path)[-1].casefold())
        if form is None:
            sender = sender_address(seen.source)
            theirs = [
                f for f in open_forms if f.respondent in respondents and sender in respondent_addresses(respondents[f.respondent])
            ]
            form = theirs[0] if sender and len(theirs) == 1 else None
        if form is not None:
            found[form.form, form.unit] = seen
    return found


def rounds_with_campaign(ledger: CampaignLedger, among: Iterable[str] | None = None) -> list[str]:
    """The rounds that have a campaign (those of `among` alone when given), in natural order."""
    labels = set(ledger.rounds())
    if among is not None:
        labels &= set(among)
    return sorted(labels, key=round_order)


def write_status_csv(rows: list[FormStatus], path: Path) -> Path:
    """status.csv: UTF-8 with a byte-order mark (Excel reads it as UTF-8), formula-like cells defused."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([safe_cell(value) for value in astuple(row)] for row in rows)
    return path


def summary_line(rows: list[FormStatus]) -> str:
    count = {state: sum(row.returned == state for row in rows) for state in (RETURNED, WITH_WARNINGS, REJECTED, MISSING)}
    sent = sum(row.sent == "sent" for row in rows)
    return (
        f"{len(rows)} forms ({sent} sent, {len(rows) - sent} drafted or failed): {count[RETURNED] + count[WITH_WARNINGS]} "
        f"returned ({count[WITH_WARNINGS]} with warnings), {count[REJECTED]} rejected, {count[MISSING]} missing"
    )


def status_of_rounds(ledger: CampaignLedger, rounds: Iterable[str]) -> list[FormStatus]:
    """The campaign status of each of `rounds` that has a campaign, for the consolidated workbook's Status sheet."""
    return [row for label in rounds_with_campaign(ledger, rounds) for row in campaign_status(ledger, label)]
