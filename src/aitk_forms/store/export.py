"""`aitk-forms export`: the kept responses as three CSV files a spreadsheet or a statistics package reads.
UTF-8 with a byte-order mark (so Excel reads it as UTF-8); cells that a spreadsheet would run as a formula
are prefixed with "'"; the same store contents give byte-identical files, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path

from .records import StoredResponse, value_text

RESPONSE_HEADER = ("sha256", "path", "content", "form", "version", "lang", "round", "unit", "saved_at", "answered")
ANSWER_HEADER = ("sha256", "form", "round", "unit", "question", "value")
SCORE_HEADER = ("sha256", "form", "round", "unit", "key", "score", "level", "final")
FORMULA_STARTS = ("=", "+", "-", "@")


def safe_cell(value) -> str:
    text = value_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def response_row(response: StoredResponse) -> list:
    return [
        *(response.sha256, response.path, response.content, response.form, response.version, response.lang),
        *(response.round, response.unit, response.saved_at, response.answered),
    ]


def answer_rows(response: StoredResponse) -> list[list]:
    """One row per answer, one per choice of a multi-choice answer (in the order read), questions sorted."""
    head = [response.sha256, response.form, response.round, response.unit]
    rows = []
    for question in sorted(response.answers):
        value = response.answers[question]
        rows.extend([*head, question, one] for one in (value if isinstance(value, list) else [value]) if one is not None)
    return rows


def score_rows(response: StoredResponse) -> list[list]:
    """One row per result: final ones with score and level, provisional ones empty with final 0."""
    head = [response.sha256, response.form, response.round, response.unit]
    keys = sorted(set(response.scores) | set(response.levels) | set(response.provisional))
    return [
        [*head, key, response.scores.get(key), response.levels.get(key), 0 if key in response.provisional else 1] for key in keys
    ]


def write_csv(responses: Iterable[StoredResponse], out: Path) -> list[Path]:
    """Write the three files from responses already in the store's order (form, round, unit key, SHA-256);
    each file appears whole or not at all."""
    out.mkdir(parents=True, exist_ok=True)
    names = {"responses.csv": RESPONSE_HEADER, "answers.csv": ANSWER_HEADER, "scores.csv": SCORE_HEADER}
    paths = [out / name for name in names]
    partial = [path.with_name(f".{path.name}.partial") for path in paths]
    with ExitStack() as files:
        writers = []
        for path, header in zip(partial, names.values(), strict=True):
            writer = csv.writer(files.enter_context(path.open("w", encoding="utf-8-sig", newline="")), lineterminator="\r\n")
            writer.writerow(header)
            writers.append(writer)
        for response in responses:
            write_rows(writers[0], [response_row(response)])
            write_rows(writers[1], answer_rows(response))
            write_rows(writers[2], score_rows(response))
    for source, target in zip(partial, paths, strict=True):
        os.replace(source, target)
    return paths


def write_rows(writer, rows: list[list]) -> None:
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
