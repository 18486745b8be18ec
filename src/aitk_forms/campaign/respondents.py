"""The respondents of a campaign, read from the coordinator's file and checked row by row before anything is
written: every problem is reported at once with its row number."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.utils import parseaddr
from pathlib import Path

from ..store.records import to_json, unit_key
from .tables import TableError, column_key, read_table

REQUIRED_COLUMNS = ("unit", "name", "email", "lang")
OPTIONAL_COLUMNS = ("cc", "use_case")
LOCAL_PART = re.compile(r"^[^\s()<>\[\]:;,@\\\"]{1,64}$")
DOMAIN_LABEL = re.compile(r"^[^\W_](?:[\w-]{0,61}[^\W_])?$")
LIST_SEPARATORS = re.compile(r"[,;]")


@dataclass(frozen=True)
class Respondent:
    """One row of the respondents file: who answers for a unit (and, for a unit with several AI use cases, which)."""

    row: int
    unit: str
    name: str
    email: str
    lang: str
    cc: tuple[str, ...] = ()
    use_case: str = ""
    extra: tuple[tuple[str, str], ...] = ()  # the other columns, by their header as written

    @property
    def key(self) -> str:
        """The same for two spellings of one unit and use case; a respondent's key within a round."""
        return respondent_key(self.unit, self.use_case)

    def column(self, name: str) -> str:
        """An extra column's value by its name as the program knows it (see tables.column_key), "" when absent."""
        return next((value for header, value in self.extra if column_key(header) == name), "")


def respondent_key(unit: str, use_case: str) -> str:
    return to_json([unit_key(unit), unit_key(use_case)])


@dataclass(frozen=True)
class RowProblem:
    row: int
    message: str


class RespondentsError(Exception):
    """The file has problems; `problems` holds every one, each with its row number (0: the file as a whole)."""

    def __init__(self, path: Path, problems: list[RowProblem]):
        super().__init__(f"{path}: {len(problems)} problem(s)")
        self.path = path
        self.problems = problems

    def lines(self) -> list[str]:
        return [f"{self.path}:{p.row}: {p.message}" if p.row else f"{self.path}: {p.message}" for p in self.problems]


def read_respondents(path: Path, languages: tuple[str, ...], complete: set[str]) -> tuple[list[Respondent], str]:
    """The respondents of `path` and how the file was read; RespondentsError listing every problem found.

    `languages` are the content's languages, `complete` those completely translated (forms can be built in them)."""
    try:
        table = read_table(Path(path))
    except TableError as error:
        raise RespondentsError(path, [RowProblem(0, str(error))]) from None
    columns = {}
    problems = []
    for index, header in enumerate(table.header):
        name = column_key(header)
        if name in columns and name:
            problems.append(RowProblem(table.header_row, f"two columns are called '{header}'"))
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        found = ", ".join(h for h in table.header if h) or "none"
        problems.append(RowProblem(table.header_row, f"missing column(s) {', '.join(missing)} (the header has: {found})"))
    if problems:
        raise RespondentsError(path, problems)
    respondents, seen = [], {}
    for number, cells in table.rows:
        respondent = _respondent(number, cells, table.header, columns)
        found = row_problems(respondent, languages, complete)
        if respondent.key in seen:
            found.append(f"the same unit and use case as row {seen[respondent.key]}: give each respondent one row")
        seen.setdefault(respondent.key, number)
        problems += [RowProblem(number, message) for message in found]
        respondents.append(replace(respondent, lang=normal_language(respondent.lang, languages)))
    if problems:
        raise RespondentsError(path, problems)
    if not respondents:
        raise RespondentsError(path, [RowProblem(0, "no respondents: the file has a header row but no rows under it")])
    return respondents, table.described


def _respondent(number: int, cells: tuple[str, ...], header: tuple[str, ...], columns: dict[str, int]) -> Respondent:
    def value(name: str) -> str:
        return cells[columns[name]].strip() if name in columns else ""

    known = {columns[name] for name in REQUIRED_COLUMNS + OPTIONAL_COLUMNS if name in columns}
    extra = tuple((header[i], cells[i].strip()) for i in range(len(header)) if i not in known and header[i] and cells[i].strip())
    cc = tuple(part.strip() for part in LIST_SEPARATORS.split(value("cc")) if part.strip())
    return Respondent(number, value("unit"), value("name"), value("email"), value("lang"), cc, value("use_case"), extra)


def row_problems(respondent: Respondent, languages: tuple[str, ...], complete: set[str]) -> list[str]:
    """What is wrong with one row, each said so that the coordinator can fix it."""
    found = [f"no {label}" for label, value in (("unit", respondent.unit), ("name", respondent.name)) if not value]
    if not respondent.email:
        found.append("no e-mail address")
    elif fault := address_problem(respondent.email):
        found.append(fault)
    found += [f"cc: {fault}" for cc in respondent.cc if (fault := address_problem(cc))]
    if fault := language_problem(respondent.lang, languages, complete):
        found.append(fault)
    return found


def address_problem(text: str) -> str | None:
    """Why `text` is not one e-mail address (as in jane.doe@agency.example), or None when it is one."""
    address = parseaddr(text)[1] if "<" in text else text.strip()
    local, at, domain = address.rpartition("@")
    shown = f"'{text}' is not an e-mail address"
    if not at or not local or not domain or not LOCAL_PART.match(local) or local.startswith(".") or ".." in local:
        return f"{shown} (write it as name@agency.example)"
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2 or not all(DOMAIN_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return f"{shown}: '{domain}' is not a mail domain"
    try:
        domain.encode("idna")
    except UnicodeError:
        return f"{shown}: '{domain}' is not a mail domain"
    return None


def language_problem(lang: str, languages: tuple[str, ...], complete: set[str]) -> str | None:
    if not lang:
        return "no language (one of " + ", ".join(languages) + ")"
    code = next((known for known in languages if known.casefold() == lang.casefold()), None)
    if code is None:
        base = lang.replace("_", "-").split("-")[0].casefold()
        hint = f": did you mean '{base}'?" if base in languages else ""
        return f"unknown language '{lang}' (known: {', '.join(languages)}){hint}"
    if code not in complete:
        return f"language '{code}' is not completely translated (run `aitk-forms i18n status`)"
    return None


def normal_language(lang: str, languages: tuple[str, ...]) -> str:
    """The content's spelling of a language code the row spelled in another case."""
    return next((known for known in languages if known.casefold() == lang.casefold()), lang)
