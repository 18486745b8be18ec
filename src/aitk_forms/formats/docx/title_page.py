"""The title page: form, version, language and identifier, then what the form is for, how to
fill it in, how answers are scored and how to send it back. It fits on one page in every
language; the scale tables are shown at the first question on each scale (see legend.py)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from .writing import DocumentWriter

# Title page headings are not part headings: they stay out of the outline (the navigation pane).
HEADING = "Front Heading"


def write_title_page(writer: DocumentWriter) -> None:
    form = writer.form
    writer.paragraph(writer.text(form.title), "Title")
    writer.paragraph(writer.ui("pack_title"), "Subtitle")
    _identity_table(writer)
    if form.description:
        writer.paragraph(writer.ui("about_title"), HEADING)
        writer.paragraph(writer.text(form.description))
    writer.paragraph(writer.ui("pathway_title"), HEADING)
    writer.paragraph(writer.ui("pathway"))
    writer.paragraph(writer.ui("how_to_fill_title"), HEADING)
    writer.paragraph(writer.ui("how_to_fill_docx"))
    if any(q.kind == "scale" for q in form.questions()):
        writer.paragraph(writer.ui("how_scored_title"), HEADING)
        writer.paragraph(writer.ui("how_scored_scale"))
    writer.paragraph(writer.ui("return_title"), HEADING)
    writer.paragraph(writer.ui("return_instruction"))
    writer.paragraph(f"{writer.ui('source_note_title')}: {writer.text(writer.content.source)}", "Help")


def language_name(lang: str) -> str:
    """The language's own name for itself ("العربية", "中文"), for the title page."""
    try:
        return Locale.parse(lang.replace("-", "_")).get_display_name(lang.replace("-", "_")) or lang
    except (ValueError, UnknownLocaleError):
        return lang


def _identity_table(writer: DocumentWriter) -> None:
    form = writer.form
    rows = [
        ("form_label", writer.text(form.title)),
        ("version_label", form.version),
        ("language_label", language_name(writer.lang)),
        *(("round_label", value) for value in [writer.options.round] if value),
        *(("unit_label", value) for value in [writer.options.unit] if value),
        ("identifier_label", f"{form.id}-{form.version}-{writer.lang}-{form.fingerprint}"),
    ]
    table = writer.table(len(rows), 2)
    for row, (key, value) in zip(table.rows, rows, strict=True):
        writer.cell_text(row.cells[0], writer.ui(key), "Help")
        writer.cell_text(row.cells[1], value)
    writer.set_widths(table, [4.5, 12.1])
