"""import-log.csv: every input file with its hash, status and reason."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ..model import Content
from ..outcomes import ImportResult
from .cells import safe_text

COLUMNS = ("path", "sha256", "status", "reason", "format", "form", "version", "lang", "answers", "problems")


def log_rows(result: ImportResult) -> Iterator[list[str]]:
    """One row per file, made as it is written (a report from the store lists every stored response)."""
    for f in result.files:
        problems = "; ".join(f"{p.question}: {p.message}" if p.question else p.message for p in f.problems)
        values = [f.path, f.sha256, f.status, f.reason or "", f.format or "", f.form or "", f.version or "", f.lang or "",
                  str(len(f.answers)), problems]  # fmt: skip
        yield values


def write_log(content: Content, result: ImportResult, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([safe_text(v) for v in row] for row in log_rows(result))
