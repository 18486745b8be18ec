"""The campaign commands: `campaign send` (personalised forms to every respondent, as drafts or over SMTP) and
`campaign status` (who is still missing, status.csv, reminders)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from . import i18n
from .campaign.messages import invitation
from .campaign.outbox import CampaignRequest, Draft, check_request, is_forced, plan_drafts, send_recorded, write_drafts
from .campaign.records import FormStatus
from .campaign.reminders import write_reminders
from .campaign.respondents import Respondent, RespondentsError, read_respondents
from .campaign.status import campaign_status, rounds_with_campaign, summary_line, write_status_csv
from .cli_common import CONTENT_OPTION, STORE_OPTION, codes, load, opened_store, store_line
from .errors import UsageError
from .mail.send import SendRecord, SmtpError, SmtpTarget, parse_smtp_url, smtp_password
from .model import Content
from .store import Store, open_store, store_spec
from .store.records import unit_key

SMTP_HELP = "Send over SMTP: smtp://user@host:587 (STARTTLS) or smtps://user@host:465; password from AITK_SMTP_PASSWORD."


@click.group(name="campaign")
def campaign_group() -> None:
    """Send each respondent of a round their personalised forms by e-mail, and see who is still missing."""


@campaign_group.command()
@click.option("--respondents", "respondents_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="XLSX or CSV with the columns unit, name, email, lang (optional: cc, use_case, and others).")  # fmt: skip
@click.option("--form", "form_ids", required=True, help="Comma-separated form ids to send: readiness, risk, workbook.")
@click.option("--round", "round_label", required=True, help="The round, written into every form's identity.")
@CONTENT_OPTION
@click.option("--format", "format_names", default="xlsx", show_default=True, help="Comma-separated formats: xlsx, docx, pdf.")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), help="Date to send the forms back by (YYYY-MM-DD).")
@click.option("--from", "sender", help="The sender and return address, as in 'Coordinator <forms@agency.example>'.")
@STORE_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Outbox folder for the .eml drafts.")
@click.option("--smtp", "smtp_url", help=SMTP_HELP)
@click.option("--dry-run", is_flag=True, help="Show what would be written or sent, and write and send nothing.")
@click.option("--only", "only", multiple=True, help="Send (again) to these units alone; comma-separated or repeated.")
def send(
    respondents_file: Path, form_ids: str, round_label: str, content_dir: Path | None, format_names: str,
    deadline: dt.datetime | None, sender: str | None, store_option: str | None, out: Path, smtp_url: str | None,
    dry_run: bool, only: tuple[str, ...],
) -> None:  # fmt: skip
    """Write one .eml message per respondent with their forms (in their language, unit and round in the identity,
    the unit's questions filled in); with --smtp, send them and record each send. A re-run sends only what was not sent."""
    content = load(content_dir)
    respondents = _respondents(respondents_file, content)
    target = _smtp_target(smtp_url)
    request = CampaignRequest(
        round_label, tuple(codes(form_ids) or ()), tuple(codes(format_names) or ("xlsx",)), _sender(sender, target),
        deadline.date() if deadline else None, _only_units(only, respondents),
    )  # fmt: skip
    try:
        check_request(content, request, respondents)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    drafts, notes = plan_drafts(content, respondents, request, out)
    for note in notes:
        click.echo(note, err=True)
    if dry_run:
        _show_plan(content, drafts, request, store_option, target)
        return
    password = _password(target)
    with opened_store(store_option) as store:
        ledger = _require(store).campaigns
        with click.progressbar(length=len(drafts), label="Drafting", file=sys.stderr) as bar:
            messages = write_drafts(content, drafts, request, ledger, progress=lambda draft, state: bar.update(1))
        failed = _send(target, password, messages, ledger, round_label) if target else 0
        where = store_line(store)
    skipped = f", {len(drafts) - len(messages)} already sent" if len(messages) < len(drafts) else ""
    advice = "" if target else " (send them from your mail program: they stay 'drafted' until sent with --smtp)"
    click.echo(f"round {round_label}: {len(messages)} messages drafted in {out}{skipped}{advice}; {where}", err=True)
    sys.exit(1 if failed else 0)


def _respondents(path: Path, content: Content) -> list[Respondent]:
    try:
        respondents, described = read_respondents(path, content.languages, set(i18n.complete_languages(content)))
    except RespondentsError as error:
        for line in error.lines():
            click.echo(line, err=True)
        click.echo(f"{len(error.problems)} problem(s) in {path}: nothing was written", err=True)
        sys.exit(1)
    click.echo(f"{path}: {len(respondents)} respondents ({described})", err=True)
    return respondents


def _smtp_target(url: str | None) -> SmtpTarget | None:
    if url is None:
        return None
    try:
        return parse_smtp_url(url)
    except ValueError as error:
        raise click.UsageError(f"--smtp: {error}") from None


def _password(target: SmtpTarget | None) -> str | None:
    try:
        return smtp_password(target) if target else None
    except SmtpError as error:
        raise click.UsageError(str(error)) from None


def _sender(sender: str | None, target: SmtpTarget | None) -> str:
    """--from, else the SMTP user when it is an address: the From of every message and where forms come back."""
    if sender:
        return sender
    if target and target.user and "@" in target.user:
        return target.user
    raise click.UsageError("give --from ADDRESS: the address the respondents send the forms back to")


def _only_units(values: tuple[str, ...], respondents: list[Respondent]) -> tuple[str, ...]:
    """--only's units: a value naming a unit whole is one unit (names may hold commas), else a comma-separated list."""
    units = {unit_key(r.unit) for r in respondents}
    found = []
    for value in values:
        found += [value] if unit_key(value) in units else [part.strip() for part in value.split(",") if part.strip()]
    return tuple(found)


def _require(store: Store | None) -> Store:
    if store is None:
        raise click.UsageError("a campaign is recorded in the store: give --store FILE or URL (not 'none')")
    return store


def _show_plan(content: Content, drafts: list[Draft], request: CampaignRequest, option: str | None, target) -> None:
    """What a run would write and send; nothing is written, and a store that does not exist yet is not created."""
    spec = store_spec(option)
    existing = spec.startswith(("postgresql://", "postgres://")) or Path(spec).is_file()
    store = open_store(spec) if existing and spec.strip().casefold() != "none" else None
    try:
        for draft in drafts:
            person = draft.respondent
            sent = store is not None and store.campaigns.was_sent(request.round, draft.key)
            action = "skip (already sent)" if sent and not is_forced(request, person) else ("send" if target else "draft")
            subject = invitation(
                content, person.lang, person.name, person.unit, [i.form for i in draft.forms], request.occasion()
            ).subject
            cc = f", cc {', '.join(person.cc)}" if person.cc else ""
            click.echo(
                f"{action}: {draft.path} to {person.email}{cc}; subject: {subject}; attachments: {', '.join(draft.attachments)}"
            )
    finally:
        if store is not None:
            store.close()
    click.echo(f"dry run: {len(drafts)} messages planned; nothing was written or sent", err=True)


def _send(target: SmtpTarget, password: str | None, messages, ledger, round_label: str) -> int:
    """Send, printing each failure; returns how many failed. A server that cannot be used stops with its reason."""

    def report(sent: SendRecord) -> None:
        if sent.result == "failed":
            click.echo(f"not sent: {sent.key}: {sent.detail}", err=True)

    try:
        summary = send_recorded(target, password, messages, ledger, round_label, record=report)
    except SmtpError as error:
        raise click.ClickException(f"{error} (what was sent is recorded; run again to send the rest)") from None
    click.echo(f"SMTP {target.host}:{target.port}: {summary.sent} sent, {summary.failed} failed", err=True)
    return summary.failed


@campaign_group.command()
@CONTENT_OPTION
@STORE_OPTION
@click.option("--round", "round_label", help="The round (default: the latest with a campaign).")
@click.option("--out", default="report", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for status.csv (and reminders/ with --remind).")  # fmt: skip
@click.option("--remind", is_flag=True, help="Write a reminder for each respondent with a form missing or rejected.")
@click.option("--smtp", "smtp_url", help="With --remind: send the reminders. " + SMTP_HELP)
def status(content_dir: Path | None, store_option: str | None, round_label: str | None, out: Path, remind: bool,
           smtp_url: str | None) -> None:  # fmt: skip
    """For every respondent x form of the round: drafted or sent, returned (with warnings), rejected with its reason,
    or missing, with dates; status.csv in OUT; with --remind, reminders in the respondent's language."""
    if smtp_url and not remind:
        raise click.UsageError("--smtp sends reminders: add --remind")
    content = load(content_dir)
    target = _smtp_target(smtp_url)
    password = _password(target)
    failed = 0
    with opened_store(store_option) as store:
        ledger = _require(store).campaigns
        chosen = _campaign_round(ledger, round_label, store.location)
        rows = campaign_status(ledger, chosen)
        if remind:
            reminders = write_reminders(content, ledger, chosen, rows, out / "reminders", dt.date.today())
            click.echo(f"{len(reminders)} reminders written to {out / 'reminders'}", err=True)
            failed = _send(target, password, reminders, ledger, chosen) if target and reminders else 0
            rows = campaign_status(ledger, chosen)
        written = write_status_csv(rows, out / "status.csv")
    _print_awaited(rows)
    click.echo(f"round {chosen}: {summary_line(rows)}; {written}", err=True)
    sys.exit(1 if failed else 0)


def _campaign_round(ledger, round_label: str | None, location: str) -> str:
    rounds = rounds_with_campaign(ledger)
    if not rounds:
        raise click.ClickException(f"{location} holds no campaign: run `aitk-forms campaign send` first")
    chosen = round_label or rounds[-1]
    if chosen not in rounds:
        raise click.UsageError(f"no campaign for round '{chosen}' in {location} (rounds with a campaign: {', '.join(rounds)})")
    return chosen


def _print_awaited(rows: list[FormStatus]) -> None:
    """Who is still missing, one line per form, on standard output."""
    for row in rows:
        if row.awaited:
            reason = f": {row.detail}" if row.returned == "rejected" else ""
            who = f"{row.respondent} <{row.email}>" if row.email else row.respondent
            click.echo(f"{row.returned:<8}  {row.form:<10}  {row.unit}  {who}  ({row.sent} {row.sent_at[:10]}){reason}")
