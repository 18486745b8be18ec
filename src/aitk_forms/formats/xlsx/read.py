"""Read a filled workbook back: the identity on the `_aitk` sheet and each answer from its named cell.

Only the XML parts needed are parsed (no full openpyxl load) and no formula is ever evaluated. Choice ids
come from the option lists the file itself carries, so a corrected translation never breaks a return.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import UnreadableFile
from ...identity import decide
from ...model import Content, Form, Question
from ...problems import Problem, problem
from ..codec import RawReturn
from ..saved import ooxml_saved_at
from .lists import LISTS_SHEET, YES_LIST
from .package import CELL_REF, MESSAGES, META_SHEET, Package, as_text
from .questions import question_text


def read(path: Path | str, content: Content) -> RawReturn:
    """The identity decision, raw answers by question id and problems of a filled workbook."""
    package = Package(Path(path))
    try:
        decision = decide(_meta(package), content)
        problems: list[Problem] = []
        if package.sheets[META_SHEET][1] not in ("hidden", "veryHidden"):
            problems.append(problem("meta_visible"))
        reader = AnswerReader(package, decision.form, decision.identity.lang, content)
        answers = {q.id: value for q in decision.form.questions() if (value := reader.answer(q)) is not None}
        return RawReturn(decision, answers, tuple(problems + reader.problems), ooxml_saved_at(package.zip))
    finally:
        package.zip.close()


def _meta(package: Package) -> dict[str, str]:
    if META_SHEET not in package.sheets:
        raise UnreadableFile(MESSAGES["no_meta"].format(path=package.path))
    meta: dict[str, str] = {}
    cells = package.cells(META_SHEET)
    for ref, cell in cells.items():
        match = CELL_REF.match(ref)
        if match and match.group(1) == "A" and cell.kind == "s":
            value = cells.get(f"B{match.group(2)}")
            meta[str(cell.value)] = as_text(value) if value is not None else ""
    return meta


class AnswerReader:
    """Decode each question's named cell(s) into a raw answer, collecting the format's problems on the way."""

    def __init__(self, package: Package, form: Form, lang: str, content: Content):
        self.package, self.form, self.lang, self.content = package, form, lang, content
        self.problems: list[Problem] = []
        _, yes = package.named_cell(YES_LIST)
        # The "Yes" the file itself offers; a file from before the name existed uses the content's word.
        self.yes = as_text(yes) if yes is not None else content.text("yes", lang)

    def answer(self, q: Question) -> object | None:
        self._check_text(q)
        if q.kind == "multi_choice":
            return self._multi(q)
        found, cell = self.package.named_cell(f"ans_{q.id}")
        if not found:
            self.problems.append(problem("missing_control", q.id, control="cell"))
            return None
        if cell is None or (cell.kind == "s" and not str(cell.value).strip()):
            return None
        if cell.kind == "e":
            self.problems.append(problem("error_value", q.id, value=cell.value))
            return None
        if q.has_choices:
            return self._choice(q, as_text(cell))
        if q.kind == "date" and cell.kind == "n":
            try:
                return self.package.serial_date(float(cell.value)).isoformat()
            except (ValueError, OverflowError):  # a serial number beyond the calendar: validate says it is no date
                return as_text(cell)
        if q.kind == "number" and cell.kind == "n":
            value = float(cell.value)
            return int(value) if value.is_integer() else value
        return as_text(cell)

    def _check_text(self, q: Question) -> None:
        found, cell = self.package.named_cell(f"txt_{q.id}")
        if found and (cell is None or as_text(cell) != question_text(self.content, q, self.lang)):
            self.problems.append(problem("text_changed", q.id))

    def _choice(self, q: Question, value: str) -> str:
        """The choice id of the label chosen, looked up in the file's own option list (spreadsheets compare
        text without regard to case, and so does this); the label itself when it is not in the list."""
        labels = self._file_choices(q) or {c.label.get(self.lang): c.id for c in q.choices}
        if value in labels:
            return labels[value]
        folded = {label.casefold().strip(): cid for label, cid in labels.items()}
        return folded.get(value.casefold().strip(), value)

    def _file_choices(self, q: Question) -> dict[str, str]:
        sheet, rows = self.package.named_rows(f"opts_{q.id}")
        if sheet != LISTS_SHEET:
            return {}
        cells = self.package.cells(sheet)
        pairs = ((cells.get(f"A{row}"), cells.get(f"E{row}")) for row in rows)
        return {as_text(label): as_text(cid) for label, cid in pairs if label is not None and cid is not None}

    def _multi(self, q: Question) -> list[str] | None:
        chosen = []
        for choice in q.choices:
            found, cell = self.package.named_cell(f"ans_{q.id}__{choice.id}")
            if not found:
                self.problems.append(problem("missing_control", q.id, control="cell"))
                return None
            text = as_text(cell).strip() if cell is not None else ""
            if text.casefold() == self.yes.casefold():
                chosen.append(choice.id)
            elif text:
                self.problems.append(problem("not_yes", q.id, choice=choice.label.get(self.lang), value=text, yes=self.yes))
        return chosen or None


def sniff(probe) -> bool:
    return "xl/workbook.xml" in probe.zip_names
