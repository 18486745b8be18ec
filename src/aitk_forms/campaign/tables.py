"""A table of rows from a spreadsheet a coordinator keeps: XLSX, or CSV as Excel writes it in any locale
(UTF-8 with or without a byte-order mark, UTF-16 "Unicode text", or the locale's ANSI code page; `,`, `;` or tab)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..archives import check_zip_limits
from ..errors import UnreadableFile

MAX_BYTES = 20 * 1024 * 1024  # a respondents file of thousands of rows is well under 1 MB
MAX_ROWS = 20_000
SEPARATORS = (",", ";", "\t")
# The ANSI code pages Excel writes a "CSV" in, by Windows locale; tried in this order when UTF-8 fails, and the one
# whose text looks most like words wins (ties go to the earlier one).
CODE_PAGES = (
    "cp1252", "cp1251", "cp1256", "gb18030", "cp1250", "cp1253", "cp1254", "cp1255", "cp1257", "cp1258",
    "cp874", "cp932", "cp949", "big5",
)  # fmt: skip
# Scripts whose letters a language of the file's `lang` column leads one to expect.
SCRIPT_LANGUAGES = {"CYRILLIC": "ru", "ARABIC": "ar", "CJK": "zh"}
TYPOGRAPHY = set("’‘“”«»–—…·€£¥°§")


class TableError(Exception):
    """The file cannot be read as a table; the message says what to do."""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    header_row: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (row number as a spreadsheet shows it, cells)
    described: str  # how the file was read, for the summary line: "CSV, cp1252, ';'"


def read_table(path: Path) -> Table:
    """The first non-empty row as the header, then every non-empty row with its row number."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise TableError(f"{path}: cannot be opened ({error.strerror})") from None
    if size > MAX_BYTES:
        raise TableError(f"{path}: {size // (1024 * 1024)} MB is too large for a respondents file")
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(f"{path}: an old Excel .xls file; save it as .xlsx or as CSV UTF-8")
    return _read_csv(data)


def _read_xlsx(path: Path, data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_limits(archive.infolist())
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it does not keep
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, UnreadableFile, KeyError, OSError, ValueError) as error:
        raise TableError(f"{path}: not a readable Excel workbook ({error}); save it again as .xlsx or as CSV UTF-8") from None
    try:
        tables = [(sheet.title, _rows(sheet.iter_rows(values_only=True), start=1)) for sheet in book.worksheets]
    finally:
        book.close()
    for title, rows in tables:
        if rows and any(column_key(cell) == "email" for cell in rows[0][1]):
            return _table(rows, f"XLSX, sheet '{title}'")
    title, rows = tables[0] if tables else ("", [])
    return _table(rows, f"XLSX, sheet '{title}'")


def _rows(values: Iterable[tuple], start: int) -> list[tuple[int, tuple[str, ...]]]:
    found = []
    for number, row in enumerate(values, start=start):
        cells = tuple(_cell_text(value) for value in row)
        if any(cells):
            found.append((number, cells))
            if len(found) > MAX_ROWS:
                raise TableError(f"more than {MAX_ROWS} rows: split the respondents into several campaigns")
    return found


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _table(rows: list[tuple[int, tuple[str, ...]]], described: str) -> Table:
    if not rows:
        raise TableError("the file has no rows: give a header row (unit, name, email, lang) and a row per respondent")
    (_, header), body = rows[0], rows[1:]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    padded = tuple((number, (cells + ("",) * width)[:width]) for number, cells in body)
    return Table(header[:width], rows[0][0], padded, described)


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_csv(data)
    separator = detect_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        rows = _rows(reader, start=1)
    except csv.Error as error:
        raise TableError(f"not a readable CSV file ({error})") from None
    shown = {"\t": "tab"}.get(separator, f"'{separator}'")
    return _table(rows, f"CSV, {encoding}, {shown}-separated")


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name.replace("-sig", " with BOM")
            except UnicodeDecodeError as error:
                raise TableError(f"the file starts as {name} but is not: {error.reason} at byte {error.start}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    expected = _expected_scripts(data)
    candidates = []
    for order, name in enumerate(CODE_PAGES):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_oddness(text, expected), order, text, name))
    if not candidates:
        raise TableError("the text encoding could not be recognised: save the file as 'CSV UTF-8' from Excel")
    _, _, text, name = min(candidates)
    return text, name


def detect_separator(text: str) -> str:
    """The separator the header line uses most, outside quotes (`,` when it has none)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {separator: unquoted.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _expected_scripts(data: bytes) -> set[str]:
    """The scripts the `lang` column makes likely: language codes are ASCII, readable before the encoding is known."""
    text = data.decode("latin-1")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_separator(text))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        return set()
    if not rows:
        return set()
    names = [column_key(cell) for cell in rows[0]]
    if "lang" not in names:
        return set()
    column = names.index("lang")
    langs = {row[column].strip().lower().split("-")[0] for row in rows[1:] if len(row) > column}
    return {script for script, lang in SCRIPT_LANGUAGES.items() if lang in langs}


def _oddness(text: str, expected: set[str]) -> int:
    """How unlike words the non-ASCII text looks: scripts mixed within a word, symbols inside words, Latin words
    made mostly of accented letters (Cyrillic read as Latin), scripts no row's language leads one to expect."""
    odd = 0
    for word in re.findall(r"[^\s,;\"\t]+", text):
        if word.isascii():
            continue
        letters = [ch for ch in word if ch.isalpha()]
        scripts = {_script(ch) for ch in letters}
        odd += 2 * max(0, len(scripts) - 1)
        odd += sum(1 for ch in word if not ch.isascii() and not ch.isalpha() and ch not in TYPOGRAPHY)
        accented = sum(1 for ch in letters if not ch.isascii())
        if scripts == {"LATIN"} and accented >= 2 and accented * 2 > len(letters):
            odd += 2
        odd += sum(1 for script in scripts if script in SCRIPT_LANGUAGES and script not in expected)
    return odd


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "UNKNOWN")
    return "CJK" if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) else name.split()[0]


COLUMN_ALIASES = {"e_mail": "email", "mail": "email", "language": "lang"}


def column_key(name: str) -> str:
    """A column name as the program knows it: lower case, spaces and hyphens as underscores, a few other names."""
    key = re.sub(r"[\s\-]+", "_", (name or "").strip().casefold())
    return COLUMN_ALIASES.get(key, key)
