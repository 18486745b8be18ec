"""Fill a built PDF form with answers through pypdf (for samples and benchmarks).

The round-trip tests fill with PyMuPDF and pypdf as clients; this filler proves nothing more.
pypdf draws no appearance for non-Latin text here, so viewers show the filled values through
`NeedAppearances`, which this filler sets.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import BooleanObject, NameObject

from ...model import Content, Form


def fill(content: Content, form: Form, lang: str, source: Path, target: Path, answers: dict) -> None:
    """Write `answers` (question id -> answer) into the fields of `source`, saved as `target`."""
    values = {}
    for q in form.questions():
        answer = answers.get(q.id)
        if answer is None:
            continue
        if q.kind == "multi_choice":
            values |= {f"{q.id}__{choice}": "/Yes" for choice in answer}
        elif q.has_choices:
            values[q.id] = f"/{answer}"
        else:
            values[q.id] = str(answer)
    writer = PdfWriter(clone_from=source)
    quiet = logging.getLogger("pypdf")
    level, quiet.level = quiet.level, logging.ERROR  # its font-encoding notice is the NeedAppearances case above
    try:
        for page in writer.pages:
            if "/Annots" in page:
                writer.update_page_form_field_values(page, values, auto_regenerate=False)
    finally:
        quiet.setLevel(level)
    writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
    with open(target, "wb") as handle:
        writer.write(handle)
