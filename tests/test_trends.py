"""Trends and changes across rounds, end to end: two rounds of workbooks built, filled, imported into a
SQLite store and into a real PostgreSQL server; the Trends and Changes sheets, their line charts and the
"Changes since" section of the narrative say what the import's own JSON says, and both databases give the
same reports and the same export."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

import pg_server
from aitk_forms.cli import main
from aitk_forms.formats import CODECS, RenderOptions
from aitk_forms.sample import sample_answers
from aitk_forms.xlsx_limits import check_workbook
from conftest import SMALL, require_client
from ooxml_schema import require_validator
from pdf_conformance import failed_rules, page_validation_failures
from pdf_exceptions import excepted

FORMS = ("readiness", "risk", "workbook")
ROUNDS = ("2025", "2026")
SEEDS = {"2025": range(0, 5), "2026": range(1, 6)}  # seed 0 is only in 2025 (removed), seed 5 only in 2026 (new)
UNSURE_SEED = 3  # answers "Don't know" to a scored question in 2026: its results there are provisional
KINDS = ("regressed", "improved", "not comparable", "new", "removed", "unchanged")  # the order changes are listed in
HIGH = ("high", "extremely_high")
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
REPORTS = ("consolidated.xlsx", "report.docx", "report.pdf")


def answers_for(form, seed: int, label: str) -> dict:
    answers = sample_answers(form, seed, completeness=1.0, variant=label)
    if label == "2026" and seed == UNSURE_SEED and form.id != "workbook":
        # An input of the last principle or dimension left unanswered: that result and those made of it wait.
        part = [rule for rule in form.results if not rule.results and rule.method != "any"][-1]
        answers.pop(form.rule_questions(part)[0].id, None)
    return answers


@pytest.fixture(scope="module")
def returns(small_content, tmp_path_factory) -> Path:
    """returns/<round>/<form>-<seed>.xlsx: each workbook built with its round in its identity, then filled."""
    base = tmp_path_factory.mktemp("returns")
    for label in ROUNDS:
        folder = base / label
        folder.mkdir()
        for form_id in FORMS:
            form = small_content.form(form_id)
            blank = base / f"blank-{form_id}-{label}.xlsx"
            CODECS["xlsx"].render(small_content, form, "en", blank, RenderOptions(round=label))
            for seed in SEEDS[label]:
                target = folder / f"{form_id}-{seed}.xlsx"
                CODECS["xlsx"].fill(small_content, form, "en", blank, target, answers_for(form, seed, label))
    return base


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


class Runs:
    """The two rounds imported into one store per database, done once per test process and kept."""

    def __init__(self, returns: Path, base: Path, env: pytest.MonkeyPatch):
        self.returns, self.base, self.env, self.done = returns, base, env, {}

    def get(self, backend: str, request) -> dict:
        if backend not in self.done:
            self.done[backend] = self._import(backend, self._store(backend, request))
        return self.done[backend]

    def _store(self, backend: str, request) -> str:
        if backend == "sqlite":
            return str(self.base / "trends.db")
        cluster = request.getfixturevalue("pg_cluster")
        # The password reaches libpq only through the environment, never through the URL.
        self.env.setenv("PGPASSWORD", pg_server.PASSWORD)
        self.env.setenv("PGPASSFILE", str(self.base / "no-pgpass"))
        return cluster.new_database()

    def _import(self, backend: str, spec: str) -> dict:
        found = {"store": spec, "json": {}, "out": {}}
        for label in ROUNDS:
            out = self.base / backend / f"import-{label}"
            result = run("import", self.returns / label, "--content", SMALL, "--store", spec, "--out", out, "--json")
            assert result.exit_code == 0, result.output
            found["json"][label], found["out"][label] = json.loads(result.stdout), out
        return found


@pytest.fixture(scope="module")
def runs(returns, tmp_path_factory):
    with pytest.MonkeyPatch.context() as env:
        yield Runs(returns, tmp_path_factory.mktemp("runs"), env)


@pytest.fixture(params=["sqlite", "postgresql"])
def imported(request, runs) -> dict:
    return runs.get(request.param, request)


# What the import's JSON says, computed here on its own.


def kept(found: dict, label: str, form_id: str) -> list[dict]:
    files = found["json"][label]["files"]
    return [f for f in files if f["form"] == form_id and f["status"] in ("accepted", "accepted_with_warnings")]


def expected_change(form, key: str, before: dict | None, after: dict | None) -> str:
    if before is None or after is None:
        return "new" if before is None else "removed"
    if key in before["provisional"] or key in after["provisional"] or key not in before["scores"] or key not in after["scores"]:
        return "not comparable"
    order = [level.id for level in form.level_set(form.result(key).levels or "")]
    if key in before["levels"] and key in after["levels"]:
        old, new = (order.index(side["levels"][key]["id"]) for side in (before, after))
    else:
        old, new = before["scores"][key], after["scores"][key]
    if old == new:
        return "unchanged"
    return "improved" if (new < old if form.id == "risk" else new > old) else "regressed"


def expected_changes(small_content, found: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    for form_id in FORMS:
        form = small_content.form(form_id)
        before, after = ({f["unit"]: f for f in kept(found, label, form_id)} for label in ROUNDS)
        for unit in sorted(set(before) | set(after)):
            for rule in form.results:
                rows.append((expected_change(form, rule.key, before.get(unit), after.get(unit)), form_id, unit, rule.key))
    return rows


# Reading the workbook back.


def sheet_rows(path: Path, name: str) -> list[tuple]:
    return [tuple(row) for row in openpyxl.load_workbook(path)[name].iter_rows(values_only=True)]


def table(rows: list[tuple], title: str, labels: int = 1) -> dict[tuple, list]:
    """The table under the title row `title`: its label columns -> its values per round."""
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    found = {}
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        found[row[:labels]] = list(row[labels : labels + len(ROUNDS)])
    return found


def label_of(small_content, form_id: str, key: str) -> str:
    return small_content.form(form_id).result(key).label.get("en")


def test_trends_sheet_shows_each_rounds_means_and_level_counts_as_the_import_scored_them(small_content, imported):
    rows = sheet_rows(imported["out"]["2026"] / "consolidated.xlsx", "Trends")
    titles = {
        "readiness": "Readiness (fixture): mean of each dimension, per round",
        "workbook": "Workbook (fixture): completeness (%) of each stage, per round",
    }
    for form_id, title in titles.items():
        means = table(rows, title)
        assert means[("Responses",)] == [len(kept(imported, label, form_id)) for label in ROUNDS]
        for rule in small_content.form(form_id).results:
            wanted = []
            for label in ROUNDS:
                scores = [f["scores"][rule.key] for f in kept(imported, label, form_id) if rule.key in f["scores"]]
                wanted.append(pytest.approx(statistics.fmean(scores)) if scores else None)
            assert means[(label_of(small_content, form_id, rule.key),)] == wanted, rule.key
    high = table(rows, "Risk (fixture): use cases at high or extremely high risk, per principle and round")
    levels = table(rows, "Risk (fixture): use cases at each level, per result and round", labels=2)
    risk = small_content.form("risk")
    for rule in risk.results:
        name = label_of(small_content, "risk", rule.key)
        files = {label: kept(imported, label, "risk") for label in ROUNDS}
        for level in risk.level_set(rule.levels):
            count = [sum(f["levels"].get(rule.key, {}).get("id") == level.id for f in files[label]) for label in ROUNDS]
            assert levels[(name, level.label.get("en"))] == count, (rule.key, level.id)
        assert levels[(name, "provisional")] == [sum(rule.key in f["provisional"] for f in files[label]) for label in ROUNDS]
        if rule.method != "any":
            count = [sum(f["levels"].get(rule.key, {}).get("id") in HIGH for f in files[label]) for label in ROUNDS]
            assert high[(name,)] == count, rule.key


def test_every_trend_chart_has_alt_text_naming_what_it_draws_and_the_rounds(imported):
    spreadsheet_drawing = "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}"
    with zipfile.ZipFile(imported["out"]["2026"] / "consolidated.xlsx") as package:
        drawings = [package.read(n) for n in package.namelist() if n.startswith("xl/drawings/drawing")]
    texts = [p.get("descr") for d in drawings for p in etree.fromstring(d).iter(f"{spreadsheet_drawing}cNvPr")]
    lines = [text for text in texts if text and text.startswith("Line chart of the ")]
    assert len(lines) >= 3 and all(text and "over the rounds 2025, 2026" in text for text in lines), texts
    assert all(texts), texts


def test_trends_sheet_follows_each_units_overall_result_from_round_to_round(imported):
    rows = sheet_rows(imported["out"]["2026"] / "consolidated.xlsx", "Trends")
    units = table(rows, "Overall result per unit and round", labels=2)
    units.pop(("Form", "Unit"), None)
    for form_id in FORMS:
        by_round = {label: {f["unit"]: f for f in kept(imported, label, form_id)} for label in ROUNDS}
        for unit in set(by_round["2025"]) | set(by_round["2026"]):
            row = [cell for cell in rows if cell[:2] == (form_id, unit)][0][2:6]
            for index, label in enumerate(ROUNDS):
                found = by_round[label].get(unit)
                score, level = row[2 * index : 2 * index + 2]
                if found is None:
                    assert (score, level) == (None, None)
                elif "overall" in found["provisional"]:
                    assert score is None and level.startswith("provisional")
                else:
                    assert (score, level) == (found["scores"]["overall"], found["levels"]["overall"]["label"])


def test_changes_sheet_classifies_every_unit_and_result_regressions_first(small_content, imported):
    rows = sheet_rows(imported["out"]["2026"] / "consolidated.xlsx", "Changes")
    assert rows[0][0].startswith("Changes since 2025")
    header = rows.index(next(row for row in rows if row[0] == "Change"))
    assert rows[header][5:7] == ("Round 2025", "Round 2026")
    listed = [(kind, form, unit, key) for kind, form, unit, _, key, *_ in rows[header + 1 :]]
    wanted = expected_changes(small_content, imported)
    assert sorted(listed) == sorted(wanted)
    kinds = [row[0] for row in listed]
    assert kinds == sorted(kinds, key=KINDS.index)  # regressions first, unchanged last
    assert set(kinds) == set(KINDS)  # the rounds were made so that every kind occurs
    unsure = [row for row in rows[header + 1 :] if row[0] == "not comparable" and row[6].startswith("provisional")]
    assert unsure and all(row[7] == "provisional in the latest round" for row in unsure)


def test_trends_sheet_draws_native_line_charts_of_its_own_tables(imported):
    path = imported["out"]["2026"] / "consolidated.xlsx"
    with zipfile.ZipFile(path) as package:
        charts = [etree.fromstring(package.read(name)) for name in package.namelist() if name.startswith("xl/charts/chart")]
    lines = [chart for chart in charts if chart.find(f".//{CHART}lineChart") is not None]
    # readiness, workbook, and two for risk (high risk per principle; the overall level of the use cases)
    assert len(lines) == 4
    for chart in lines:
        formulas = [f.text for f in chart.iter(f"{CHART}f")]
        assert formulas and all(f.startswith("'Trends'!") for f in formulas)
        assert len(chart.findall(f".//{CHART}ser")) >= 2


def test_one_round_gives_no_trends_no_changes_and_no_changes_section(imported):
    first = imported["out"]["2025"]
    assert not {"Trends", "Changes"} & set(openpyxl.load_workbook(first / "consolidated.xlsx").sheetnames)
    assert not any("Changes since" in p.text for p in docx.Document(first / "report.docx").paragraphs)


def expected_listing(small_content, found: dict) -> list[tuple[str, str, str]]:
    """(change, form title, unit) of the rows the narrative lists: all but unchanged, regressions first."""
    changes = [row for row in expected_changes(small_content, found) if row[0] != "unchanged"]
    changes.sort(key=lambda row: KINDS.index(row[0]))  # stable: forms, units and results keep their order
    return [(kind, small_content.form(form).title.get("en"), unit) for kind, form, unit, _ in changes]


def test_report_docx_lists_changes_since_the_previous_round_regressions_first(small_content, imported):
    document = docx.Document(imported["out"]["2026"] / "report.docx")
    assert any(p.text == "Changes since 2025" for p in document.paragraphs)
    table_ = next(t for t in document.tables if [c.text for c in t.rows[0].cells][-2:] == ["Round 2025", "Round 2026"])
    rows = [[c.text for c in row.cells] for row in table_.rows[1:]]
    assert [(row[0].split(":")[0], row[1], row[2]) for row in rows] == expected_listing(small_content, imported)


def test_report_pdf_lists_changes_since_the_previous_round_regressions_first(small_content, imported):
    pdftotext = require_client("pdftotext")
    text = subprocess.run(
        [pdftotext, "-layout", str(imported["out"]["2026"] / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Changes since 2025" in text
    section = text.split("Changes since 2025", 1)[1].split("\nReadiness (fixture)\n", 1)[0]
    starts = re.findall(r"^(regressed|improved|not comparable|new|removed)\b", section, re.MULTILINE)
    assert starts == [kind for kind, _, _ in expected_listing(small_content, imported)]


def test_reports_across_rounds_are_valid_ooxml_within_excel_limits(imported):
    out = imported["out"]["2026"]
    assert check_workbook(out / "consolidated.xlsx") == []
    validator = require_validator()
    assert validator.validate_packages([out / "consolidated.xlsx", out / "report.docx"]) == {
        out / "consolidated.xlsx": [],
        out / "report.docx": [],
    }


def test_report_pdf_with_a_changes_section_stays_pdfua_1_and_pdfa_3u(imported):
    path = imported["out"]["2026"] / "report.pdf"
    failed = failed_rules(path)
    assert {validator: rules - excepted(validator) for validator, rules in failed.items()} == {
        "page-validation": set(),
        "pdfua": set(),
    }
    assert page_validation_failures(path, "3u") == set()


def test_sqlite_and_postgresql_give_the_same_reports_and_export(runs, request, tmp_path):
    outputs = {}
    for backend in ("sqlite", "postgresql"):
        found = runs.get(backend, request)
        report = run("report", "--content", SMALL, "--store", found["store"], "--out", tmp_path / backend / "report")
        export = run("export", "--store", found["store"], "--out", tmp_path / backend / "export")
        assert report.exit_code == export.exit_code == 0, report.output + export.output
        assert "round 2026:" in report.output
        outputs[backend] = {
            **{f"report/{name}": (tmp_path / backend / "report" / name).read_bytes() for name in REPORTS},
            **{f"import/{name}": (found["out"]["2026"] / name).read_bytes() for name in REPORTS},
            **{f"export/{p.name}": p.read_bytes() for p in sorted((tmp_path / backend / "export").iterdir())},
        }
    assert len(outputs["sqlite"]) == 9
    for name, body in outputs["sqlite"].items():
        assert outputs["postgresql"][name] == body, name
    assert "Trends" in openpyxl.load_workbook(tmp_path / "sqlite" / "report" / "consolidated.xlsx").sheetnames
