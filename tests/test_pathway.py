"""The recommended pathway (readiness first whatever the agency's experience, risk early and repeated, the
workbook through the life cycle) opens every output: the Excel About sheet, the Word title page, the
fillable PDF's introduction and the printed pack."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from aitk_forms.formats import CODECS
from aitk_forms.load import load_content
from aitk_forms.resources import bundled_content


@pytest.fixture(scope="module")
def content():
    return load_content(bundled_content())


def _words(text: str) -> str:
    return " ".join(text.split())


def test_the_pathway_names_the_three_forms_in_their_order(content):
    pathway = content.text("pathway", "en")
    positions = [pathway.find(word) for word in ("Readiness", "Risk Assessment", "Workbook")]
    assert -1 not in positions and positions == sorted(positions), pathway
    assert "whatever" in pathway or "regardless" in pathway, "readiness comes first whatever the agency's experience"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_form_output_opens_with_the_pathway(content, lang, tmp_path):
    form = content.form("risk")
    pathway = _words(content.text("pathway", lang))
    for fmt in ("xlsx", "docx", "pdf"):
        target = tmp_path / f"risk.{fmt}"
        CODECS[fmt].render(content, form, lang, target)
        if fmt == "xlsx":
            cells = [c.value for row in load_workbook(target).worksheets[0].iter_rows() for c in row if c.value]
            text = _words(" ".join(str(v) for v in cells))
        elif fmt == "docx":
            with zipfile.ZipFile(target) as z:
                xml = z.read("word/document.xml").decode()
            text = _words(" ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))
        else:
            text = _words(" ".join(page.extract_text() for page in PdfReader(target).pages[:3]))
        assert pathway[:60] in text, (fmt, pathway[:60])
