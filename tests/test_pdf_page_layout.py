"""What people see on the fillable PDF's pages, checked on the real content where longer translations
showed the faults: a section's heading and intro are never left at the foot of a page without their first
question, a row of scale points never wraps with one point alone, and every page's footer names the page."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pymupdf
import pytest

from aitk_forms.formats import pdf
from aitk_forms.outline import outline


@pytest.fixture(scope="module")
def rendered(real_content, tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    cache: dict[tuple[str, str], Path] = {}

    def render(form_id: str, lang: str) -> Path:
        if (form_id, lang) not in cache:
            cache[form_id, lang] = folder / f"{form_id}-{lang}.pdf"
            pdf.render(real_content, real_content.form(form_id), lang, cache[form_id, lang])
        return cache[form_id, lang]

    return render


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def field_pages(path: Path) -> dict[str, int]:
    """The page (0-based) of each field's first widget, by the question id it belongs to."""
    pages: dict[str, int] = {}
    with pymupdf.open(path) as doc:
        for page in doc:
            for widget in page.widgets():
                pages.setdefault(widget.field_name.split("__")[0], page.number)
    return pages


# The three that had a heading stranded at the foot of a page before headings' intros kept with their question.
@pytest.mark.parametrize(("form_id", "lang"), [("readiness", "zh"), ("readiness", "fr"), ("risk", "es")])
def test_a_section_heading_is_on_the_page_of_its_first_question(real_content, rendered, form_id, lang):
    path = rendered(form_id, lang)
    with pymupdf.open(path) as doc:
        texts = [squeezed(page.get_text()) for page in doc]
    questions = field_pages(path)
    for part in outline(real_content.form(form_id)).parts:
        heading = squeezed(f"{part.number}. {part.section.title.get(lang)}")
        heading_page = next(n for n, text in enumerate(texts) if heading in text)
        assert questions[part.section.questions[0].id] == heading_page, heading


@pytest.mark.parametrize("lang", ["ru", "fr", "es", "en"])
def test_no_row_of_scale_points_wraps_with_its_last_point_alone(rendered, lang):
    for form_id in ("readiness", "risk"):
        with pymupdf.open(rendered(form_id, lang)) as doc:
            for page in doc:
                rows: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
                for widget in page.widgets():
                    if widget.field_type == pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON:
                        rows[widget.field_name][round(widget.rect.y0)] += 1
                for name, counts in rows.items():
                    per_row = [counts[y] for y in sorted(counts)]
                    if len(per_row) > 1 and max(per_row) > 1:  # points in rows, not one under another
                        assert per_row[-1] > 1, f"{form_id} {lang} {name}: {per_row}"


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_every_page_footer_names_the_page_and_the_count(real_content, rendered, lang):
    label = real_content.text("page_label", lang)
    with pymupdf.open(rendered("workbook", lang)) as doc:
        for page in doc:
            assert squeezed(f"{label} {page.number + 1} / {doc.page_count}") in squeezed(page.get_text())
