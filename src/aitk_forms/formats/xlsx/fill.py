"""Fill a built workbook with answers, as a respondent would type them (for samples and benchmarks).

The round-trip tests fill with LibreOffice instead: this filler is ours and proves nothing about
other programs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from ...model import Content, Form


def fill(content: Content, form: Form, lang: str, source: Path, target: Path, answers: dict) -> None:
    """Write `answers` (question id -> answer) into the named answer cells of `source`, saved as `target`."""
    wb = load_workbook(source)
    cells = {}
    for name, definition in wb.defined_names.items():
        if name.startswith("ans_"):
            sheet, ref = next(iter(definition.destinations))
            cells[name] = wb[sheet][ref.replace("$", "")]
    yes = content.text("yes", lang)
    for q in form.questions():
        value = answers.get(q.id)
        if value is None:
            continue
        if q.kind == "multi_choice":
            for choice_id in value:
                cells[f"ans_{q.id}__{choice_id}"].value = yes
            continue
        cell = cells[f"ans_{q.id}"]
        if q.has_choices:
            cell.value = q.choice(value).label.get(lang)
        elif q.kind == "date":
            cell.value = dt.date.fromisoformat(value)
        elif q.kind == "number":
            cell.value = value
        else:
            cell.value = str(value)
            cell.data_type = "s"  # typed text, never a formula
    wb.save(target)
