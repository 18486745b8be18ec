"""The save time a returned file records breaks ties in the duplicate rule (INTERFACES): of two returns of one
unit with equally many answers, the later saved is kept, whatever order they arrive in, with or without a store."""

from __future__ import annotations

import re
import zipfile

import pytest

from aitk_forms.formats import CODECS, RenderOptions
from aitk_forms.formats.saved import iso_time, pdf_saved_at
from aitk_forms.importer import import_files
from aitk_forms.returns import read_response
from aitk_forms.sample import sample_answers
from aitk_forms.store import open_store
from conftest import postgresql_spec

EARLY, LATE = "2026-03-01T09:00:00Z", "2026-03-02T08:30:00Z"


def saved_as(source, target, modified: str) -> None:
    """A copy of an Office file whose core properties record `modified` as its save time."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "docProps/core.xml":
                text = data.decode()
                text, count = re.subn(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{modified}\g<2>", text)
                assert count == 1, "openpyxl's core properties changed: the test must learn where the save time is"
                data = text.encode()
            copy.writestr(info, data)


@pytest.fixture
def two_saves(small_content, tmp_path):
    """Two returns of one risk unit with the same answers, saved at EARLY and LATE."""
    form = small_content.form("risk")
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "filled.xlsx"
    CODECS["xlsx"].render(small_content, form, "en", blank, RenderOptions(round="2026"))
    CODECS["xlsx"].fill(small_content, form, "en", blank, filled, sample_answers(form, 4, completeness=1.0))
    (tmp_path / "in").mkdir()
    early, late = tmp_path / "in" / "a-early.xlsx", tmp_path / "in" / "b-late.xlsx"
    saved_as(filled, early, EARLY)
    saved_as(filled, late, LATE)
    return early, late


def test_a_workbook_reports_the_save_time_its_core_properties_record(small_content, two_saves):
    early, late = two_saves
    assert read_response(early, small_content).saved_at == "2026-03-01T09:00:00+00:00"
    assert read_response(late, small_content).saved_at == "2026-03-02T08:30:00+00:00"


def test_save_times_that_cannot_be_read_are_none_not_errors():
    assert pdf_saved_at("D:20260301120000+01'00'") == "2026-03-01T12:00:00+01:00"
    assert pdf_saved_at("D:20260301120000Z") == "2026-03-01T12:00:00+00:00"
    assert pdf_saved_at("D:2026") == "2026-01-01T00:00:00"
    for bad in ("D:20261399000000Z", "yesterday", "", None):
        assert pdf_saved_at(bad) is None
    assert iso_time("2026-02-30T10:00:00Z") is None and iso_time("not a date") is None


def kept_name(results) -> str:
    kept = [f for f in results if f.status in ("accepted", "accepted_with_warnings")]
    assert len(kept) == 1 and sum(f.status == "duplicate" for f in results) == 1
    return kept[0].path.rsplit("/", 1)[-1]


def test_without_a_store_the_later_save_is_kept_in_either_order(small_content, two_saves):
    early, late = two_saves
    assert kept_name(import_files(small_content, [early, late]).files) == "b-late.xlsx"
    assert kept_name(import_files(small_content, [late, early]).files) == "b-late.xlsx"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request, monkeypatch, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "saved.db")
    return postgresql_spec(request, monkeypatch, tmp_path)


@pytest.mark.parametrize("order", ["early first", "late first"])
def test_the_store_keeps_the_later_save_whichever_arrives_first(small_content, two_saves, store_spec, order):
    early, late = two_saves if order == "early first" else two_saves[::-1]
    with open_store(store_spec) as store:
        import_files(small_content, [early], store=store)
        second = import_files(small_content, [late], store=store)
        kept = list(store.responses(round="2026"))
    assert [r.path.rsplit("/", 1)[-1] for r in kept] == ["b-late.xlsx"]
    assert kept[0].saved_at == "2026-03-02T08:30:00+00:00"
    if order == "early first":  # the later save arrives second and displaces the first
        assert second.files[0].status in ("accepted", "accepted_with_warnings")
    else:
        assert second.files[0].status == "duplicate"


def test_a_pdf_reports_the_moddate_of_its_information_dictionary(small_content, tmp_path):
    import pikepdf

    form = small_content.form("risk")
    blank, filled, dated = tmp_path / "blank.pdf", tmp_path / "filled.pdf", tmp_path / "dated.pdf"
    CODECS["pdf"].render(small_content, form, "en", blank, RenderOptions(round="2026"))
    CODECS["pdf"].fill(small_content, form, "en", blank, filled, sample_answers(form, 2, completeness=1.0))
    with pikepdf.open(filled) as pdf:
        pdf.docinfo["/ModDate"] = "D:20260302083000-05'00'"
        pdf.save(dated)
    assert read_response(dated, small_content).saved_at == "2026-03-02T08:30:00-05:00"
