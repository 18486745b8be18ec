"""Reports over an import: the import log, the consolidated workbook and the narrative report."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..model import Content
from ..outcomes import ImportResult
from .importlog import write_log
from .narrative import write_docx, write_pdf
from .story import build_story
from .summary import summarise
from .workbook import write_workbook

# Each report: its file name and the function that writes it.
WRITERS: tuple[tuple[str, Callable[[Content, ImportResult, Path], None]], ...] = (
    ("import-log.csv", write_log),
    ("consolidated.xlsx", write_workbook),
    ("report.docx", write_docx),
    ("report.pdf", write_pdf),
)


def write_reports(content: Content, result: ImportResult, out: Path) -> list[Path]:
    """Write every report into `out`, each atomically: a crash leaves the previous file intact."""
    out.mkdir(parents=True, exist_ok=True)
    sweep_temporary_files(out)
    written = []
    # The responses are summarised once and the narrative built once, for every report that shows them.
    summary = summarise(content, result)
    story = build_story(content, result, summary)
    prepared = {write_workbook: {"summary": summary}, write_docx: {"story": story}, write_pdf: {"story": story}}
    for name, writer in WRITERS:
        extra = prepared.get(writer, {})
        written.append(write_atomic(out / name, lambda path, w=writer, x=extra: w(content, result, path, **x)))
    return written


def sweep_temporary_files(out: Path) -> None:
    """Remove the temporary files a killed run left beside the reports (a SIGKILL runs no cleanup)."""
    for name, _ in WRITERS:
        for stale in out.glob(f".{name}.*.tmp"):
            stale.unlink(missing_ok=True)


def write_atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Call `write` on a temporary file beside `target`, then move it into place."""
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temp))
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
