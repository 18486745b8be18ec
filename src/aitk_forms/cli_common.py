"""What every command shares: the content and store options, loading the content, opening the store."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import resources
from .errors import ContentError
from .load import load_content
from .model import Content
from .store import Store, StoreError, open_store, store_spec

CONTENT_OPTION = click.option(
    "--content",
    "content_dir",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the content YAML and its translations (default: ./content when it exists, else the bundled content).",
)


def codes(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def load(content_dir: Path | None) -> Content:
    """Load the content, or print every problem as file:line: message and exit 1."""
    folder, _ = resources.choose_content(content_dir)
    if not folder.is_dir():
        raise click.UsageError(f"no content folder at '{folder}'")
    try:
        return load_content(folder)
    except ContentError as error:
        for diagnostic in error.diagnostics:
            click.echo(str(diagnostic), err=True)
        click.echo(f"{len(error.diagnostics)} problem(s) in {folder}", err=True)
        sys.exit(1)


def content_name(content_dir: Path | None) -> str:
    """How a summary line names the content used: its folder, or "bundled content"."""
    return resources.choose_content(content_dir)[1]


STORE_OPTION = click.option(
    "--store",
    "store_option",
    default=None,
    help="The store: a SQLite file path or a postgresql:// URL (password from PGPASSWORD or ~/.pgpass); "
    "'none' for a one-off import (default: $AITK_STORE, else aitk-forms.db in the current folder).",
)


@contextmanager
def opened_store(option: str | None) -> Iterator[Store | None]:
    """The store the option names (None for `none`); a store that cannot be opened stops the command."""
    try:
        store = open_store(option)
    except StoreError as error:
        raise click.ClickException(f"{store_spec(option)}: {error}") from None
    if store is None:
        yield None
        return
    for note in store.notes:
        click.echo(f"{store.location}: {note}", err=True)
    try:
        yield store
    finally:
        store.close()


def store_line(store: Store | None) -> str:
    """How a summary line names the store and what it holds."""
    if store is None:
        return "store: none"
    info = store.info()
    return f"store: {store.location} ({len(info.rounds)} rounds, {info.responses} responses)"
