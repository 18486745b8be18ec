"""The title page: form, version, language and identifier, then what the form is for, how to
fill it in, how answers are scored and how to send it back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from ...model import Question

if TYPE_CHECKING:
    from .render import FormWriter


def write_title_page(writer: FormWriter) -> None:
    form = writer.form
    writer.paragraph(writer.text(form.title), "Title")
    writer.paragraph(writer.ui("pack_title"), "Subtitle")
    _identity_table(writer)
    if form.description:
        writer.paragraph(writer.ui("about_title"), "Heading 1")
        writer.paragraph(writer.text(form.description))
    writer.paragraph(writer.ui("how_to_fill_title"), "Heading 1")
    writer.paragraph(writer.ui("how_to_fill_docx"))
    scales = _scales(form.questions())
    if scales:
        writer.paragraph(writer.ui("how_scored_title"), "Heading 1")
        writer.paragraph(writer.ui("how_scored_scale"))
        for question in scales:
            _scale_table(writer, question)
    writer.paragraph(writer.ui("return_title"), "Heading 1")
    writer.paragraph(writer.ui("return_instruction"))
    writer.paragraph(f"{writer.ui('source_note_title')}: {writer.text(writer.content.source)}", "Help")


def language_name(lang: str) -> str:
    """The language's own name for itself ("العربية", "中文"), for the title page."""
    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_")) or lang
    except (ValueError, UnknownLocaleError):
        return lang


def _identity_table(writer: FormWriter) -> None:
    form = writer.form
    rows = [
        ("form_label", writer.text(form.title)),
        ("version_label", form.version),
        ("language_label", language_name(writer.lang)),
        ("identifier_label", f"{form.id}-{form.version}-{writer.lang}-{form.fingerprint}"),
    ]
    table = writer.table(len(rows), 2)
    for row, (key, value) in zip(table.rows, rows, strict=True):
        writer.cell_text(row.cells[0], writer.ui(key), "Help")
        writer.cell_text(row.cells[1], value)
    writer.set_widths(table, [4.5, 12.1])


def _scales(questions) -> list[Question]:
    """One question per scale in use, so each scale is explained once."""
    seen: dict[str, Question] = {}
    for question in questions:
        if question.kind == "scale" and question.scale not in seen:
            seen[question.scale] = question
    return list(seen.values())


def _scale_table(writer: FormWriter, question: Question) -> None:
    """Each point of the scale: its value, label and what it means."""
    described = any(c.description for c in question.choices)
    table = writer.table(len(question.choices), 3 if described else 2)
    for row, choice in zip(table.rows, question.choices, strict=True):
        value = "" if choice.value is None else f"{choice.value:g}"
        writer.cell_text(row.cells[0], value, "Help")
        writer.cell_text(row.cells[1], writer.text(choice.label))
        if described:
            writer.cell_text(row.cells[2], writer.text(choice.description), "Help")
    writer.set_widths(table, [1.2, 4.5, 10.9] if described else [1.2, 4.5])
    writer.paragraph()
