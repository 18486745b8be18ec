"""What a respondent types into a workbook in LibreOffice Calc, as the job list of clients/calc_fill.py."""

from __future__ import annotations

from datetime import date


def typed_cells(content, form, lang: str, answers: dict) -> list[dict]:
    """What a respondent types: labels in the form's language, "Yes" per ticked choice, dates, numbers."""
    cells = []
    for qid, value in answers.items():
        q = form.question(qid)
        if q.kind == "multi_choice":
            cells += [{"name": f"ans_{qid}__{c}", "type": "text", "value": content.text("yes", lang)} for c in value]
        elif q.has_choices:
            cells.append({"name": f"ans_{qid}", "type": "text", "value": q.choice(value).label.get(lang)})
        elif q.kind == "date":
            serial = (date.fromisoformat(value) - date(1899, 12, 30)).days
            cells.append({"name": f"ans_{qid}", "type": "date_serial", "value": serial})
        elif q.kind == "number":
            cells.append({"name": f"ans_{qid}", "type": "number", "value": value})
        else:
            cells.append({"name": f"ans_{qid}", "type": "text", "value": value})
    return cells
