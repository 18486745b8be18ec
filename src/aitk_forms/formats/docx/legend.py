"""The table that explains an answer scale (each point's value, label and meaning), shown at the
first question on that scale and captioned with the questions that use it; its header row is marked
as one (`w:tblHeader`) for screen readers."""

from __future__ import annotations

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from ...model import Form, Question
from ...wording import colon
from .writing import DocumentWriter


def scale_questions(form: Form) -> dict[str, list[Question]]:
    """The questions on each scale, in form order; a scale's legend goes with its first question."""
    found: dict[str, list[Question]] = {}
    for question in form.questions():
        if question.kind == "scale" and question.scale:
            found.setdefault(question.scale, []).append(question)
    return found


def number_ranges(numbers: list[str]) -> str:
    """Question numbers with runs in one section joined: "2.1–2.6, 3.1–3.6" or "2.1, 3.1, 4.1"."""
    runs: list[list[str]] = []
    for number in numbers:
        last = runs[-1][-1] if runs else None
        if last and _follows(last, number):
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}\u2013{run[-1]}" for run in runs)


def _follows(previous: str, number: str) -> bool:
    (section, item), (next_section, next_item) = previous.split("."), number.split(".")
    return section == next_section and int(next_item) == int(item) + 1


def write_legend(writer: DocumentWriter, questions: list[Question]) -> None:
    """The caption naming the questions on this scale, then one row per point of the scale."""
    numbers = number_ranges([writer.numbers[q.id] for q in questions])
    title = writer.form.scale_title(questions[0].scale)
    caption = f"{writer.ui('question_label')}{colon(writer.lang)}{numbers}"
    writer.paragraph(f"{writer.text(title)} ({caption})" if title else caption, "Caption")
    choices = questions[0].choices
    described = any(c.description for c in choices)
    table = writer.table(len(choices) + 1, 3 if described else 2)
    headers = ("score_label", "answer_label", "help_label")[: len(table.columns)]
    for cell, key in zip(table.rows[0].cells, headers, strict=True):
        writer.cell_text(cell, writer.ui(key), "Help")
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # marked as the header row: announced with each cell by screen readers, repeated after a page break
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for row, choice in zip(table.rows[1:], choices, strict=True):
        value = "" if choice.value is None else f"{choice.value:g}"
        writer.cell_text(row.cells[0], value, "Help")
        writer.cell_text(row.cells[1], writer.text(choice.label), "Help")
        if described:
            writer.cell_text(row.cells[2], writer.text(choice.description), "Help")
    # Full width either way: a narrow table would sit at the left in Writer even in Arabic.
    writer.set_widths(table, [1.2, 4.0, 11.4] if described else [1.2, 15.4])
