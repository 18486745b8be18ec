"""Read a filled workbook back: identity, answers by question id, and the problems found.

Only the XML parts needed are parsed (no full openpyxl load) and no formula is ever evaluated.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..errors import UnreadableFile
from ..model import Content, Form, Question
from ..responses import Identity, Problem, Response, resolve_identity
from .xlsx_package import CELL_REF, MESSAGES, META_SHEET, Cell, Package, as_text
from .xlsx_questions import question_text


def read_workbook(path: Path, content: Content) -> Response:
    with _open(path) as package:
        identity, form, problems = _identity(package, content)
        answers: dict = {}
        texts = AnswerReader(package, form, identity.lang, content)
        for q in form.questions():
            value = texts.answer(q)
            if value is not None:
                answers[q.id] = value
        problems += texts.problems
    return Response(identity, answers, tuple(problems), "xlsx", str(path))


class _open:
    """A Package that closes its zip file."""

    def __init__(self, path: Path):
        self.package = Package(path)

    def __enter__(self) -> Package:
        return self.package

    def __exit__(self, *exc: object) -> None:
        self.package.zip.close()


def _identity(package: Package, content: Content) -> tuple[Identity, Form, list[Problem]]:
    path = package.path
    if META_SHEET not in package.sheets:
        raise UnreadableFile(MESSAGES["no_meta"].format(path=path))
    meta: dict[str, str] = {}
    for ref, cell in package.cells(META_SHEET).items():
        match = CELL_REF.match(ref)
        if match and match.group(1) == "A" and cell.kind == "s":
            value = package.cells(META_SHEET).get(f"B{match.group(2)}")
            meta[str(cell.value)] = as_text(value) if value is not None else ""
    identity, form, problems = resolve_identity(meta, content)
    if package.sheets[META_SHEET][1] not in ("hidden", "veryHidden"):
        problems.append(Problem(None, MESSAGES["meta_visible"]))
    return identity, form, problems


class AnswerReader:
    """Decode each question's named cell(s) into an answer, collecting problems on the way."""

    def __init__(self, package: Package, form: Form, lang: str, content: Content):
        self.package, self.form, self.lang, self.content = package, form, lang, content
        self.yes = content.text("yes", lang)
        self.problems: list[Problem] = []

    def problem(self, q: Question, key: str, severity: str = "warning", **values: object) -> None:
        self.problems.append(Problem(q.id, MESSAGES[key].format(**values), severity))

    def answer(self, q: Question) -> object | None:
        self._check_text(q)
        if q.kind == "multi_choice":
            return self._multi(q)
        found, cell = self.package.named_cell(f"ans_{q.id}")
        if not found:
            self.problem(q, "missing_cell", "error")
            return None
        if cell is None or (cell.kind == "s" and not str(cell.value).strip()):
            return None
        if cell.kind == "e":
            self.problem(q, "error_value", value=cell.value)
            return None
        if q.has_choices:
            return self._choice(q, as_text(cell))
        if q.kind == "date":
            return self._date(q, cell)
        if q.kind == "number":
            return self._number(q, cell)
        return as_text(cell)

    def _check_text(self, q: Question) -> None:
        found, cell = self.package.named_cell(f"txt_{q.id}")
        if found and (cell is None or as_text(cell) != question_text(self.content, q, self.lang)):
            self.problem(q, "text_changed")

    def _choice(self, q: Question, value: str) -> str | None:
        labels = {c.label.get(self.lang): c.id for c in q.choices}
        if value in labels:
            return labels[value]
        # Spreadsheets compare text without regard to case, so the live results do too.
        folded = {label.casefold().strip(): cid for label, cid in labels.items()}
        if value.casefold().strip() in folded:
            return folded[value.casefold().strip()]
        self.problem(q, "not_option", value=value)
        return None

    def _multi(self, q: Question) -> list[str] | None:
        chosen = []
        for choice in q.choices:
            found, cell = self.package.named_cell(f"ans_{q.id}__{choice.id}")
            if not found:
                self.problem(q, "missing_cell", "error")
                return None
            text = as_text(cell).strip() if cell is not None else ""
            if text.casefold() == self.yes.casefold():
                chosen.append(choice.id)
            elif text:
                self.problem(q, "not_yes", choice=choice.label.get(self.lang), value=text, yes=self.yes)
        return chosen or None

    def _date(self, q: Question, cell: Cell) -> str | None:
        try:
            if cell.kind == "n":
                return self.package.serial_date(float(cell.value)).isoformat()
            return date.fromisoformat(str(cell.value).strip()).isoformat()
        except (ValueError, OverflowError):  # not a date, or a serial number beyond the calendar
            self.problem(q, "bad_date", value=cell.value)
            return None

    def _number(self, q: Question, cell: Cell) -> int | float | None:
        try:
            value = float(cell.value) if cell.kind == "n" else float(str(cell.value).strip())
        except ValueError:
            self.problem(q, "bad_number", value=cell.value)
            return None
        low = q.minimum if q.minimum is not None else float("-inf")
        high = q.maximum if q.maximum is not None else float("inf")
        if not low <= value <= high:
            self.problem(
                q, "out_of_range", value=as_text(Cell("n", value)), low=as_text(Cell("n", low)), high=as_text(Cell("n", high))
            )
            return None
        return int(value) if value.is_integer() else value
