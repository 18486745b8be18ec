"""The workbook's live results as LibreOffice recalculates them, and what scoring.py says they must show.

`recalculate` runs one batch of fills in one LibreOffice process (clients/calc_fill.py); `expected_cells`
turns a scorecard into the score_<key>, level_<key> and status_<key> cells a respondent should see (the status
texts as the workbook writer works them out for its cached values: formats/xlsx/shown.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from aitk_forms.formats.xlsx.shown import status_text
from aitk_forms.model import Content, Form
from aitk_forms.scoring import score_form
from clients.calc_plan import typed_cells
from conftest import ROOT, require_uno_python

CALC_FILL = ROOT / "tests" / "clients" / "calc_fill.py"


def live_names(form: Form) -> list[str]:
    """The defined names of every live result cell (INTERFACES.md)."""
    return [f"{prefix}_{r.key}" for r in form.results for prefix in ("score", "level", "status")]


def fill_job(content: Content, form: Form, lang: str, blank: Path, out: Path, answers: dict) -> dict:
    """One job of clients/calc_fill.py: type `answers` into `blank`, save to `out`, read the live results."""
    return {"input": str(blank), "output": str(out), "cells": typed_cells(content, form, lang, answers), "read": live_names(form)}


def recalculate(jobs: list[dict], folder: Path) -> dict[str, dict]:
    """Run every job in one LibreOffice process; output path -> {defined name: value shown}."""
    python = require_uno_python()
    (folder / "jobs.json").write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    run = subprocess.run(
        [python, str(CALC_FILL), str(folder / "jobs.json"), str(folder / "results.json")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return json.loads((folder / "results.json").read_text(encoding="utf-8"))


def expected_cells(content: Content, form: Form, lang: str, answers: dict) -> dict[str, object]:
    """What scoring.py says each live cell must show (None for an empty cell)."""
    expected: dict[str, object] = {}
    for result in score_form(form, answers).results:
        # a verdict (`any`) shows no score: its level says it
        verdict = form.result(result.key).method == "any"
        expected[f"score_{result.key}"] = result.score if result.final and not verdict else None
        expected[f"level_{result.key}"] = result.level.label.get(lang) if result.final and result.level else None
        expected[f"status_{result.key}"] = status_text(content, form, result, lang)
    return expected


def differences(expected: dict[str, object], live: dict[str, object]) -> dict[str, tuple[object, object]]:
    """name -> (scoring.py, LibreOffice) for every cell that differs (numbers equal to 1e-9)."""
    found = {}
    for name, want in expected.items():
        got = live.get(name)
        same = abs(got - want) < 1e-9 if isinstance(want, (int, float)) and isinstance(got, (int, float)) else got == want
        if not same:
            found[name] = (want, got)
    return found
