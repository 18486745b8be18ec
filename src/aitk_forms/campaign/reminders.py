"""`campaign status --remind`: one reminder per respondent who still owes a form (missing, or returned in a file
that could not be read), in their language, naming the reason, with their personalised forms attached again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from ..mail.send import build_message, write_eml
from ..model import Content
from ..store.campaigns import CampaignLedger, CampaignMessage, CampaignRespondent
from .messages import Occasion, reminder, with_return_address
from .personal import PlannedForm, build_form, safe_stem
from .records import REJECTED, FormStatus


def reminder_key(respondent_key: str, day: dt.date) -> str:
    """One reminder per respondent and day: a run again the same day sends only what it has not sent."""
    return f"reminder {day.isoformat()} {respondent_key}"


def write_reminders(
    content: Content,
    ledger: CampaignLedger,
    round_label: str,
    rows: list[FormStatus],
    out: Path,
    today: dt.date,
    progress: Callable[[CampaignRespondent], None] | None = None,
) -> list[tuple[str, EmailMessage]]:
    """Write the reminders of the round into `out` as .eml drafts, each recorded; returns those not yet sent."""
    awaited = {(row.form, row.unit): row for row in rows if row.awaited}
    forms_by_respondent: dict[str, list] = {}
    for form in ledger.forms(round_label):
        if (form.form, form.unit) in awaited and content.form(form.form) is not None:
            forms_by_respondent.setdefault(form.respondent, []).append(form)
    written = []
    for number, person in enumerate(ledger.respondents(round_label), start=1):
        owed = forms_by_respondent.get(person.key)
        key = reminder_key(person.key, today)
        if not owed or ledger.was_sent(round_label, key):
            continue
        reasons = [awaited[f.form, f.unit].detail if awaited[f.form, f.unit].returned == REJECTED else None for f in owed]
        items = [PlannedForm(content.form(f.form), f.unit, dict(f.prefill)) for f in owed]
        path = out / f"{number:04d} {safe_stem(person.unit + (' - ' + person.use_case if person.use_case else ''))}.eml"
        message = _reminder_message(content, person, round_label, items, reasons, today)
        write_eml(message, path)
        ledger.record_reminder(
            round_label,
            CampaignMessage(key, person.key, "reminder", str(path), str(message["Message-ID"]), tuple(f.form for f in owed)),
        )
        written.append((key, message))
        if progress:
            progress(person)
    return written


def _reminder_message(
    content: Content,
    person: CampaignRespondent,
    round_label: str,
    items: list[PlannedForm],
    reasons: list[str | None],
    today: dt.date,
) -> EmailMessage:
    deadline = dt.date.fromisoformat(person.deadline) if person.deadline else None
    if deadline is not None and deadline < today:
        deadline = None  # a reminder does not ask for a date already past
    address = parseaddr(person.sender)[1] or person.sender
    personal = with_return_address(content, address, deadline)
    occasion = Occasion(round_label, address, deadline, person.formats)
    attachments = [build_form(personal, item, person.lang, name, round_label) for item in items for name in person.formats]
    letter = reminder(
        content, person.lang, person.name, person.unit, list(zip([i.form for i in items], reasons, strict=True)), occasion
    )
    return build_message(
        sender=person.sender,
        to=formataddr((person.name, person.email)),
        cc=list(person.cc),
        subject=letter.subject,
        body=letter.body,
        attachments=attachments,
    )
