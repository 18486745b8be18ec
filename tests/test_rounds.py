"""Imports kept in the store across rounds, on SQLite and on a real PostgreSQL server: known files are not
read again, rounds come from the file or --round, and report, export and store work from the store alone."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aitk_forms.cli import main
from aitk_forms.formats import CODECS, RenderOptions
from aitk_forms.sample import sample_answers
from conftest import SMALL, postgresql_spec


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request, monkeypatch, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "rounds.db")
    return postgresql_spec(request, monkeypatch, tmp_path)


def filled(small_content, folder, round_label=None, seeds=range(3)):
    """Filled risk and readiness workbooks (one per seed), built with `round_label` in their identity."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for form_id in ("readiness", "risk"):
        form = small_content.form(form_id)
        blank = folder / f"blank-{form_id}.xlsx"
        CODECS["xlsx"].render(small_content, form, "en", blank, RenderOptions(round=round_label))
        for seed in seeds:
            target = folder / f"{form_id}-{seed}.xlsx"
            CODECS["xlsx"].fill(small_content, form, "en", blank, target, sample_answers(form, seed, completeness=1.0))
            made.append(target)
        blank.unlink()
    return made


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def imported(store_spec, folder, out, *extra):
    result = run("import", folder, "--content", SMALL, "--store", store_spec, "--out", out, "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_second_import_of_the_same_files_reads_nothing_again(small_content, store_spec, tmp_path):
    filled(small_content, tmp_path / "in", "2025")
    first = imported(store_spec, tmp_path / "in", tmp_path / "r1")
    assert first["summary"]["accepted"] + first["summary"]["accepted_with_warnings"] == 6
    assert {f["round"] for f in first["files"]} == {"2025"}
    second = imported(store_spec, tmp_path / "in", tmp_path / "r2")
    assert second["summary"]["known"] == 6 and second["summary"]["files"] == 6
    assert [f["scores"] for f in second["files"]] == [f["scores"] for f in first["files"]]


def test_the_round_comes_from_the_file_else_from_round_else_is_unassigned(small_content, store_spec, tmp_path):
    filled(small_content, tmp_path / "own", "2026")
    filled(small_content, tmp_path / "none", None, seeds=range(3, 5))
    own = imported(store_spec, tmp_path / "own", tmp_path / "r1", "--round", "2027")
    assert {f["round"] for f in own["files"]} == {"2026"}
    assert all(any("round '2026'" in p["message"] for p in f["problems"]) for f in own["files"])
    given = imported(store_spec, tmp_path / "none", tmp_path / "r2", "--round", "2027")
    assert {f["round"] for f in given["files"]} == {"2027"}
    info = run("store", "info", "--store", store_spec)
    assert (
        info.exit_code == 0
        and "round 2026: readiness 3, risk 3" in info.output
        and "round 2027: readiness 2, risk 2" in info.output
    )


def test_a_file_the_store_holds_is_not_imported_from_inside_the_import_folder(small_content, tmp_path):
    filled(small_content, tmp_path / "in", "2025", seeds=range(1))
    spec = tmp_path / "in" / "aitk-forms.db"
    imported(spec, tmp_path / "in", tmp_path / "r1")
    again = imported(spec, tmp_path / "in", tmp_path / "r2")
    assert again["summary"]["files"] == 2 and again["summary"]["rejected"] == 0


def test_report_and_export_work_from_the_store_alone(small_content, store_spec, tmp_path):
    filled(small_content, tmp_path / "in", "2025")
    imported(store_spec, tmp_path / "in", tmp_path / "r1")
    report = run("report", "--content", SMALL, "--store", store_spec, "--out", tmp_path / "r2")
    assert report.exit_code == 0, report.output
    assert "round 2025: 6 responses" in report.output
    assert {p.name for p in (tmp_path / "r2").iterdir()} >= {"consolidated.xlsx", "report.docx", "report.pdf"}
    first = run("export", "--store", store_spec, "--out", tmp_path / "e1")
    second = run("export", "--store", store_spec, "--out", tmp_path / "e2")
    assert first.exit_code == second.exit_code == 0
    for name in ("responses.csv", "answers.csv", "scores.csv"):
        assert (tmp_path / "e1" / name).read_bytes() == (tmp_path / "e2" / name).read_bytes()
    assert (tmp_path / "e1" / "responses.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_report_for_a_round_the_store_lacks_is_a_usage_error(small_content, tmp_path):
    filled(small_content, tmp_path / "in", "2025", seeds=range(1))
    imported(tmp_path / "s.db", tmp_path / "in", tmp_path / "r1")
    result = run("report", "--content", SMALL, "--store", tmp_path / "s.db", "--round", "1999", "--out", tmp_path / "r2")
    assert result.exit_code == 2 and "no round '1999'" in result.output and "2025" in result.output


def test_store_management_commands_confirm_what_they_did(small_content, tmp_path):
    filled(small_content, tmp_path / "in", "2025", seeds=range(1))
    spec = tmp_path / "s.db"
    found = imported(spec, tmp_path / "in", tmp_path / "r1")
    backup = run("store", "backup", tmp_path / "copy.db", "--store", spec)
    assert backup.exit_code == 0 and (tmp_path / "copy.db").stat().st_size > 0
    sha = found["files"][0]["sha256"]
    withdrawn = run("store", "withdraw", sha, "--store", spec)
    assert withdrawn.exit_code == 0 and "withdrawn" in withdrawn.output
    info = run("store", "info", "--store", spec)
    assert "responses kept: 1" in info.output


def test_import_without_a_store_keeps_nothing(small_content, tmp_path, monkeypatch):
    filled(small_content, tmp_path / "in", "2025", seeds=range(1))
    monkeypatch.chdir(tmp_path)
    result = run("import", tmp_path / "in", "--content", SMALL, "--store", "none", "--out", tmp_path / "r")
    assert result.exit_code == 0 and "store: none" in result.output
    assert not (tmp_path / "aitk-forms.db").exists()


def test_the_store_keeps_the_definition_of_every_form_version_it_scored(small_content, tmp_path):
    from aitk_forms.store import open_store

    filled(small_content, tmp_path / "in", "2025", seeds=range(1))
    imported(tmp_path / "s.db", tmp_path / "in", tmp_path / "r1")
    with open_store(str(tmp_path / "s.db")) as store:
        kept = store.form_definition("aitk", "risk", "1.0")
    risk = small_content.form("risk")
    assert kept["fingerprint"] == risk.fingerprint
    assert [r["key"] for r in kept["results"]] == [r.key for r in risk.results]
    assert [q["id"] for q in kept["questions"]] == [q.id for q in risk.questions()]


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "pdf"])
def test_a_personalised_form_carries_its_round_and_unit_and_shows_them(small_content, tmp_path, fmt):
    import zipfile

    import pymupdf
    from lxml import etree

    from aitk_forms.returns import read_response

    path = tmp_path / f"form.{fmt}"
    options = RenderOptions(round="2026-Q2", unit="Coastal District · Data Office")
    CODECS[fmt].render(small_content, small_content.form("readiness"), "ru", path, options)
    identity = read_response(path, small_content).identity
    assert (identity.round, identity.unit) == ("2026-Q2", "Coastal District · Data Office")
    if fmt == "pdf":
        shown = "".join(page.get_text() for page in pymupdf.open(path))
    else:  # the text of every XML part, character references resolved
        with zipfile.ZipFile(path) as package:
            parts = [etree.fromstring(package.read(n)) for n in package.namelist() if n.endswith(".xml")]
        shown = " ".join("".join(part.itertext()) for part in parts)
    assert "Цикл оценки" in shown and "2026-Q2" in shown and "Coastal District · Data Office" in shown
