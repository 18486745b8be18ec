"""The command line: parses options, shows progress, and calls one library function per command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__, i18n, importer, recording, resources
from . import build as builder
from .campaign.status import status_of_rounds
from .cli_common import CONTENT_OPTION, STORE_OPTION, opened_store, store_line
from .cli_common import codes as _codes
from .cli_common import content_name as _content_name
from .cli_common import load as _load
from .errors import ContentError, MissingDependency, UsageError, printable
from .formats import CODECS, RenderOptions
from .load import load_content
from .model import Content
from .reports import write_reports
from .reports.trends import trends_for
from .sample import write_samples


def _version_text() -> str:
    try:
        bundled = load_content(resources.bundled_content())
        content = f"bundled content '{bundled.name}' version {bundled.version}"
    except ContentError:
        content = "bundled content unreadable (reinstall aitk-forms)"
    return f"aitk-forms {__version__}; {content}"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
    help="Print the program version and the bundled content version.",
)  # fmt: skip
def main() -> None:
    """Build fillable responsible-AI assessment forms (Excel, Word, PDF) from one YAML source,
    in several languages, and read completed forms back into scored reports."""


@main.command()
@CONTENT_OPTION
def lint(content_dir: Path) -> None:
    """Check the content; print every problem as file:line: message (exit 1 if any)."""
    content = _load(content_dir)
    questions = sum(len(list(f.questions())) for f in content.forms)
    name = _content_name(content_dir)
    click.echo(
        f"{name}: '{content.name}' version {content.version}, {len(content.forms)} forms, {questions} questions, no problems"
    )


@main.command()
@CONTENT_OPTION
def forms(content_dir: Path) -> None:
    """List the forms: version, questions, and translation coverage per language."""
    content = _load(content_dir)
    langs = list(content.languages)
    click.echo(f"{'form':<10} {'version':<8} {'questions':>9}  " + "  ".join(f"{x:>5}" for x in langs))
    table = {lang: {c.form: c for c in i18n.coverage(content, lang)} for lang in langs}
    for form in content.forms:
        cells = "  ".join(f"{table[lang][form.id].percent:>4.0f}%" for lang in langs)
        click.echo(f"{form.id:<10} {form.version:<8} {len(list(form.questions())):>9}  {cells}")
    click.echo(f"complete languages: {', '.join(i18n.complete_languages(content)) or 'none'}")


@main.command()
@CONTENT_OPTION
@click.option(
    "--out", default="build", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option("--lang", help="Comma-separated language codes (default: every complete language).")
@click.option("--form", "form_ids", help="Comma-separated form ids: readiness, risk, workbook (default: all).")
@click.option("--format", "format_names", help=f"Comma-separated formats: {', '.join(CODECS.names())} (default: all).")
@click.option("--allow-partial", is_flag=True, help="Build incompletely translated languages, English marked where missing.")
@click.option(
    "--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="Paper size of the printed pack."
)
@click.option("--round", "round_label", help="Write this round into every file's identity and show it on the form.")
def build(
    content_dir: Path,
    out: Path,
    lang: str | None,
    form_ids: str | None,
    format_names: str | None,
    allow_partial: bool,
    paper: str,
    round_label: str | None,
) -> None:
    """Write OUT/<lang>/<form>.xlsx|.docx|.pdf and OUT/<lang>/pack.pdf."""
    content = _load(content_dir)
    try:
        jobs = builder.plan(content, out, _codes(lang), _codes(form_ids), _codes(format_names), allow_partial)
    except MissingDependency as error:
        raise click.ClickException(str(error)) from None
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    with click.progressbar(length=len(jobs), label="Building", file=sys.stderr) as bar:
        written = builder.build(
            content, jobs, progress=lambda job: bar.update(1), options=RenderOptions(paper=paper, round=round_label)
        )
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written)} files written to {out} (content: {_content_name(content_dir)})", err=True)


class ReturnsLocation(click.ParamType):
    """A file or folder that exists, or an imaps://user@host/FOLDER mailbox."""

    name = "PATH|imaps://user@host/FOLDER"

    def convert(self, value, param, ctx):
        if isinstance(value, str) and value.lower().startswith("imaps://"):
            return value
        return click.Path(exists=True, path_type=Path).convert(value, param, ctx)


@main.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=ReturnsLocation())
@CONTENT_OPTION
@click.option(
    "--out", default="report", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="Report folder."
)
@STORE_OPTION
@click.option("--round", "round_label", help="The round of returns whose file names none (a file's own round wins).")
@click.option("--json", "as_json", is_flag=True, help="Print the machine-readable result on standard output.")
@click.option("--strict", is_flag=True, help="Exit 1 when any file has warnings, not only when one is rejected.")
def import_(
    paths: tuple[Path, ...], content_dir: Path, out: Path, store_option: str | None, round_label: str | None, as_json: bool,
    strict: bool,
) -> None:  # fmt: skip
    """Read returned forms (files, folders, .eml/mbox/Maildir/.msg mail, or an imaps:// folder read-only with the
    password from AITK_IMAP_PASSWORD), check and score them, keep them in the store, and write reports to OUT for
    the rounds this import touched."""
    content = _load(content_dir)
    files = importer.discover(paths)
    with opened_store(store_option) as store:
        with click.progressbar(length=len(files), label="Importing", file=sys.stderr) as bar:
            result = importer.import_files(content, files, progress=bar.update, store=store, round_label=round_label)
        if store is not None:
            rounds = sorted({f.round for f in result.files if f.round and f.status != "rejected"})
            result.responses = recording.stored_results(store, content, rounds)
            result.trends = trends_for(store, content, rounds)
            result.campaign = status_of_rounds(store.campaigns, rounds)
        written = write_reports(content, result, out)
        where = store_line(store)
    for f in result.files:
        if f.status == "rejected":
            click.echo(f"{printable(f.path, 300)}: rejected: {f.reason}", err=True)
        elif f.status == "duplicate":
            click.echo(f"{printable(f.path, 300)}: set aside: {f.reason}", err=True)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
    reports = ", ".join(p.name for p in written)
    click.echo(f"{result.summary_line()}; reports: {reports} in {out}; {where}; content: {_content_name(content_dir)}", err=True)
    summary = result.summary()
    failed = summary["rejected"] > 0 or (strict and summary["accepted_with_warnings"] > 0)
    sys.exit(1 if failed else 0)


@main.command()
@CONTENT_OPTION
@click.option("--count", default=24, show_default=True, type=click.IntRange(1, 100_000), help="How many filled forms to write.")
@click.option(
    "--build", "built", default="build", show_default=True, type=click.Path(file_okay=False, path_type=Path),
    help="Built forms to fill (missing ones are built there first).",
)  # fmt: skip
@click.option(
    "--out", default="samples", show_default=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "--round", "round_label",
    help="Build the forms with this round in their identity (into --build) and answer as the same units would in it.",
)  # fmt: skip
def sample(content_dir: Path, count: int, built: Path, out: Path, round_label: str | None) -> None:
    """Fill built forms with varied, realistic answers in every format (a demo set, a load generator)."""
    content = _load(content_dir)
    with click.progressbar(length=count, label="Filling", file=sys.stderr) as bar:
        written = write_samples(content, built, out, count, progress=lambda path: bar.update(1), round_label=round_label)
    click.echo(f"{len(written)} filled forms written to {out} (content: {_content_name(content_dir)})", err=True)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (its content files are replaced).")
def init(folder: Path, force: bool) -> None:
    """Copy the bundled content (history included) into FOLDER, for an agency to adapt."""
    try:
        written = resources.copy_bundled_content(folder, force)
    except FileExistsError as error:
        raise click.UsageError(str(error)) from None
    click.echo(
        f"Give the adapted set its own 'name' and 'version' in {folder / 'content.yaml'}: an edited question changes "
        "the fingerprint of forms already sent, and returns are matched to their content by name and version."
    )
    click.echo(f"{len(written)} files copied to {folder}; use it with --content {folder}", err=True)


def _writable(content_dir: Path | None) -> Content:
    """The content, refused when it is the bundled content (which belongs to the installed program)."""
    folder, _ = resources.choose_content(content_dir)
    if resources.is_bundled(folder):
        raise click.UsageError("the bundled content cannot be changed: run `aitk-forms init DIR` first, then use --content DIR")
    return _load(folder)


@main.group(name="i18n")
def i18n_group() -> None:
    """Translation workflow with gettext PO files under content/locales/."""


@i18n_group.command()
@CONTENT_OPTION
def extract(content_dir: Path) -> None:
    """Write content/locales/aitk.pot from the English source."""
    click.echo(str(i18n.extract(_writable(content_dir))))


@i18n_group.command()
@CONTENT_OPTION
@click.option("--lang", help="Comma-separated languages (default: every language but English).")
def update(content_dir: Path, lang: str | None) -> None:
    """Merge the template into each language's PO file; changed English texts become fuzzy."""
    for path in i18n.update(_writable(content_dir), _codes(lang)):
        click.echo(str(path))


@i18n_group.command()
@CONTENT_OPTION
@click.option("--min-coverage", type=click.FloatRange(0, 100), default=None, help="Exit 1 if a language is below this percent.")
def status(content_dir: Path, min_coverage: float | None) -> None:
    """Print translated, fuzzy and missing texts per language and form."""
    content = _load(content_dir)
    short = []
    click.echo(f"{'lang':<5} {'part':<10} {'texts':>6} {'done':>6} {'fuzzy':>6} {'missing':>8} {'cover':>7}")
    for lang in content.languages:
        rows = i18n.coverage(content, lang)
        for row in rows:
            counts = f"{row.total:>6} {row.translated:>6} {row.fuzzy:>6} {row.missing:>8}"
            click.echo(f"{lang:<5} {row.form:<10} {counts} {row.percent:>6.1f}%")
        total = sum(r.total for r in rows)
        percent = 100.0 * sum(r.translated for r in rows) / total if total else 100.0
        if min_coverage is not None and percent < min_coverage:
            short.append(f"{lang} ({percent:.1f}%)")
    if short:
        click.echo(f"below {min_coverage:g}%: {', '.join(short)}", err=True)
        sys.exit(1)


from .cli_campaign import campaign_group  # noqa: E402
from .cli_store import export, report, store_group  # noqa: E402 - the commands register on `main`

main.add_command(report)
main.add_command(export)
main.add_command(store_group)
main.add_command(campaign_group)
