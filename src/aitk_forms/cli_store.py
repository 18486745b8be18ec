"""The commands that work from the store alone: report, export and the store's own management."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import recording
from .campaign.status import status_of_rounds
from .cli_common import CONTENT_OPTION, STORE_OPTION, load, opened_store, store_line
from .outcomes import ImportResult
from .reports import write_reports
from .reports.trends import trends_for
from .store import Store, StoreError


def _require(store: Store | None) -> Store:
    if store is None:
        raise click.UsageError("this command needs a store: give --store FILE or URL (or set AITK_STORE)")
    return store


@click.command()
@CONTENT_OPTION
@STORE_OPTION
@click.option("--round", "round_label", help="The round to report on (default: the latest).")
@click.option(
    "--out", default="report", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="Report folder."
)
def report(content_dir: Path | None, store_option: str | None, round_label: str | None, out: Path) -> None:
    """Write consolidated.xlsx, report.docx and report.pdf for one round from the store alone."""
    content = load(content_dir)
    with opened_store(store_option) as store:
        store = _require(store)
        rounds = store.rounds()
        if not rounds:
            raise click.ClickException(f"{store.location} holds no responses yet: run `aitk-forms import` first")
        chosen = round_label or rounds[-1]
        if chosen not in rounds:
            raise click.UsageError(f"no round '{chosen}' in {store.location} (rounds: {', '.join(rounds)})")
        responses = recording.stored_results(store, content, [chosen])
        trends = trends_for(store, content, [chosen])
        campaign = status_of_rounds(store.campaigns, [chosen])
        # The stored responses stand for this run's files too (the import log lists them), read as they are written.
        written = write_reports(content, ImportResult(responses, responses, trends, campaign), out)
        where = store_line(store)
    click.echo(
        f"round {chosen}: {len(responses)} responses; reports: {', '.join(p.name for p in written)} in {out}; {where}", err=True
    )


@click.command()
@STORE_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for the CSV files.")
def export(store_option: str | None, out: Path) -> None:
    """Write the store as CSV (responses, answers in long form, scores), sorted: the same store gives the same bytes."""
    with opened_store(store_option) as store:
        store = _require(store)
        written = store.export_csv(out)
        where = store_line(store)
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} CSV files written to {out}; {where}", err=True)


@click.group(name="store")
def store_group() -> None:
    """Look after the store: what it holds, a backup, units spelled two ways, a return withdrawn, a unit forgotten."""


@store_group.command()
@STORE_OPTION
def info(store_option: str | None) -> None:
    """Schema version, rounds, and the responses kept per form and round."""
    with opened_store(store_option) as store:
        found = _require(store).info()
    click.echo(f"store: {found.location} ({found.backend}, schema version {found.schema_version})")
    click.echo(f"files seen: {found.files}; responses kept: {found.responses}")
    for status, count in sorted(found.statuses.items()):
        click.echo(f"  files {status}: {count}")
    for round_label in found.rounds:
        counts = ", ".join(f"{form} {n}" for (form, r), n in sorted(found.counts.items()) if r == round_label)
        click.echo(f"round {round_label}: {counts}")


@store_group.command()
@STORE_OPTION
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup(store_option: str | None, target: Path) -> None:
    """Copy the store to TARGET while it stays in use (SQLite); PostgreSQL is backed up with pg_dump."""
    _act(store_option, lambda store: store.backup(target), f"backed up to {target}")


@store_group.command()
@STORE_OPTION
@click.argument("from_unit", metavar="FROM")
@click.argument("to_unit", metavar="TO")
def alias(store_option: str | None, from_unit: str, to_unit: str) -> None:
    """Count the unit spelled FROM as the unit TO (trends break without it)."""
    _act(store_option, lambda store: store.alias(from_unit, to_unit), f"'{from_unit}' is now counted as '{to_unit}'")


@store_group.command()
@STORE_OPTION
@click.argument("sha256")
def withdraw(store_option: str | None, sha256: str) -> None:
    """Take the response of the file with this SHA-256 out of the reports (the file stays recorded)."""
    _act(store_option, lambda store: store.withdraw(sha256), f"the response of {sha256[:12]}… is withdrawn")


@store_group.command()
@STORE_OPTION
@click.option("--unit", required=True, help="The unit whose responses and answers are deleted.")
def forget(store_option: str | None, unit: str) -> None:
    """Delete a unit's responses and personal data (for retention rules); the files stay recorded by hash."""
    _act(store_option, lambda store: store.forget_unit(unit), f"the responses of '{unit}' are deleted")


def _act(store_option: str | None, action, done: str) -> None:
    with opened_store(store_option) as store:
        store = _require(store)
        try:
            outcome = action(store)
        except StoreError as error:
            click.echo(f"{store.location}: {error}", err=True)
            sys.exit(1)
        where = store_line(store)
    count = f" ({outcome} responses affected)" if isinstance(outcome, int) else ""
    click.echo(f"{done}{count}; recorded in the store's actions; {where}")
