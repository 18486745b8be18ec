"""`campaign send`: one draft message per respondent with their personalised forms, kept as .eml in the outbox and
recorded in the store; with an SMTP server, sent at a pace with retries, each send recorded, the sent never resent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from ..errors import UsageError
from ..formats import CODECS
from ..mail.send import SendRecord, SendSummary, SmtpTarget, build_message, send_messages, write_eml
from ..model import Content
from ..store.campaigns import CampaignForm, CampaignLedger, CampaignMessage, CampaignRespondent, SendAttempt
from ..store.records import unit_key
from .messages import Occasion, invitation, with_return_address
from .personal import PlannedForm, attachment_name, build_form, plan_forms, safe_stem
from .records import invitation_key
from .respondents import Respondent, address_problem


@dataclass(frozen=True)
class CampaignRequest:
    round: str
    forms: tuple[str, ...]
    formats: tuple[str, ...]
    sender: str  # the From of every message, "Name <address>" or an address
    deadline: dt.date | None = None
    only: tuple[str, ...] = ()  # units to (re)send to; empty: everyone

    @property
    def address(self) -> str:
        return parseaddr(self.sender)[1] or self.sender

    def occasion(self) -> Occasion:
        return Occasion(self.round, self.address, self.deadline, self.formats)


@dataclass(frozen=True)
class Draft:
    """One message to write: the respondent, the forms it carries, where its .eml goes."""

    respondent: Respondent
    forms: tuple[PlannedForm, ...]
    path: Path
    attachments: tuple[str, ...]

    @property
    def key(self) -> str:
        return invitation_key(self.respondent.key)


def check_request(content: Content, request: CampaignRequest, respondents: list[Respondent]) -> None:
    """UsageError for a form, format, sender or --only unit the campaign cannot use, before anything is written."""
    known = [form.id for form in content.forms]
    if not request.forms:
        raise UsageError(f"--form: name the forms to send ({', '.join(known)})")
    for form_id in request.forms:
        if form_id not in known:
            raise UsageError(f"unknown form '{form_id}' (known: {', '.join(known)})")
    usable = [c.name for c in CODECS if c.per == "form" and c.read is not None and c.fill is not None]
    for name in request.formats:
        if name not in CODECS:
            raise UsageError(f"unknown format '{name}' (known: {', '.join(CODECS.names())})")
        if name not in usable:
            raise UsageError(
                f"format '{name}' cannot be sent in a campaign: it does not come back as a file (use {', '.join(usable)})"
            )
    if fault := address_problem(request.address):
        raise UsageError(f"--from: {fault}")
    units = {unit_key(r.unit) for r in respondents}
    unknown = [unit for unit in request.only if unit_key(unit) not in units]
    if unknown:
        raise UsageError(f"--only: no respondent for {', '.join(repr(u) for u in unknown)} in the respondents file")
    for respondent in respondents:
        for name in request.formats:
            if CODECS[name].needs is not None:
                CODECS[name].needs(respondent.lang)  # fail before any work, naming the package to install


def plan_drafts(
    content: Content, respondents: list[Respondent], request: CampaignRequest, out: Path
) -> tuple[list[Draft], list[str]]:
    """The messages to write (those of --only units alone when given), and notes for the coordinator."""
    planned, notes = plan_forms(content, list(request.forms), respondents)
    chosen = {unit_key(unit) for unit in request.only}
    drafts = []
    for respondent in respondents:
        if chosen and unit_key(respondent.unit) not in chosen:
            continue
        forms = tuple(planned[respondent.key])
        if not forms:
            notes.append(f"row {respondent.row}: no message, every form it would carry goes with an earlier row")
            continue
        names = tuple(
            attachment_name(item.form, respondent.lang, item.unit, CODECS[name].suffix)
            for item in forms
            for name in request.formats
        )
        stem = safe_stem(" - ".join(part for part in (respondent.unit, respondent.use_case) if part))
        drafts.append(Draft(respondent, forms, out / f"{respondent.row:04d} {stem}.eml", names))
    return drafts, notes


def is_forced(request: CampaignRequest, respondent: Respondent) -> bool:
    """--only sends again to its units even when they were sent to before (an address fixed, a form lost)."""
    return any(unit_key(unit) == unit_key(respondent.unit) for unit in request.only)


def write_draft(content: Content, draft: Draft, request: CampaignRequest, ledger: CampaignLedger) -> EmailMessage:
    """Build the personalised forms and the message, write the .eml (a draft, X-Unsent) and record it."""
    respondent, lang = draft.respondent, draft.respondent.lang
    attachments, per_form = [], []
    for item in draft.forms:
        files = [build_form(content, item, lang, name, request.round) for name in request.formats]
        attachments += files
        per_form.append(CampaignForm(item.form.id, item.unit, respondent.key, item.prefill, tuple(f[0] for f in files)))
    letter = invitation(content, lang, respondent.name, respondent.unit, [item.form for item in draft.forms], request.occasion())
    message = build_message(
        sender=request.sender,
        to=formataddr((respondent.name, respondent.email)),
        cc=list(respondent.cc),
        subject=letter.subject,
        body=letter.body,
        attachments=attachments,
    )
    write_eml(message, draft.path)
    record = CampaignMessage(draft.key, respondent.key, "invitation", str(draft.path), str(message["Message-ID"]),
                             tuple(item.form.id for item in draft.forms))  # fmt: skip
    ledger.record_draft(request.round, campaign_respondent(respondent, request), per_form, record)
    return message


def campaign_respondent(respondent: Respondent, request: CampaignRequest) -> CampaignRespondent:
    deadline = request.deadline.isoformat() if request.deadline else None
    return CampaignRespondent(
        *(respondent.key, respondent.unit, respondent.use_case, respondent.name, respondent.email, respondent.cc),
        lang=respondent.lang,
        extra=respondent.extra,
        sender=request.sender,
        deadline=deadline,
        formats=request.formats,
    )


def write_drafts(
    content: Content,
    drafts: list[Draft],
    request: CampaignRequest,
    ledger: CampaignLedger,
    progress: Callable[[Draft, str], None] | None = None,
) -> list[tuple[str, EmailMessage]]:
    """Write every draft not yet sent, each recorded as drafted; returns (key, message) to send. The respondents of
    --only get a new message even when an earlier one was sent."""
    personal = with_return_address(content, request.address, request.deadline)
    written = []
    for draft in drafts:
        if ledger.was_sent(request.round, draft.key) and not is_forced(request, draft.respondent):
            if progress:
                progress(draft, "already sent")
            continue
        written.append((draft.key, write_draft(personal, draft, request, ledger)))
        if progress:
            progress(draft, "drafted")
    return written


def send_recorded(
    target: SmtpTarget,
    password: str | None,
    messages: list[tuple[str, EmailMessage]],
    ledger: CampaignLedger,
    round_label: str,
    record: Callable[[SendRecord], None] | None = None,
    **pace,
) -> SendSummary:
    """Send messages just drafted (invitations or reminders); each attempt recorded in the store at once.
    `pace`: send_messages' pace_seconds, retries, backoff and ssl_context."""

    def keep(sent: SendRecord) -> None:
        ledger.record_send(round_label, SendAttempt(sent.key, sent.message_id, sent.time, sent.result, sent.detail))
        if record:
            record(sent)

    # Drafted in this run means not sent yet (or sent again on purpose with --only): nothing here is skipped.
    return send_messages(target, password, messages, already_sent=lambda key: False, record=keep, **pace)
