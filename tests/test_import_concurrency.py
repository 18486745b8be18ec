"""The real import (the `aitk-forms import` command, in its own process) into one store, on SQLite and on a
real PostgreSQL server: two imports at once on overlapping folders lose and duplicate nothing and keep what a
serial import keeps; an import killed in the middle of writing leaves every file whole or absent, and the next
run finishes the work."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aitk_forms.formats import CODECS, RenderOptions
from aitk_forms.sample import sample_answers
from aitk_forms.store import open_store
from conftest import SMALL, postgresql_spec
from test_store import inside_a_transaction, sql, wait_until_the_server_let_go

UNITS = ("Unit A", "Unit B", "Unit C")
# Returns of one unit differ in how much is answered (and so which one the duplicate rule keeps).
COMPLETENESS = (1.0, 0.5)


@pytest.fixture(scope="module")
def returns(small_content, tmp_path_factory) -> list[Path]:
    """Two returns of each unit for two forms (12 workbooks), personalised with the unit, in round 2026."""
    folder = tmp_path_factory.mktemp("returns")
    made = []
    for form_id in ("readiness", "risk"):
        form = small_content.form(form_id)
        for number, unit in enumerate(UNITS):
            blank = folder / f"blank-{form_id}-{number}.xlsx"
            CODECS["xlsx"].render(small_content, form, "en", blank, RenderOptions(round="2026", unit=unit))
            for index, share in enumerate(COMPLETENESS):
                target = folder / f"{form_id}-{number}-{index}.xlsx"
                answers = sample_answers(form, number, completeness=share, variant=f"return {index}")
                CODECS["xlsx"].fill(small_content, form, "en", blank, target, answers)
                made.append(target)
            blank.unlink()
    return made


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request, monkeypatch, tmp_path):
    """Makes a fresh, empty store each time it is called: a SQLite file, or a new PostgreSQL database."""
    made = iter(range(100))

    def make() -> str:
        if request.param == "sqlite":
            return str(tmp_path / f"store-{next(made)}.db")
        return postgresql_spec(request, monkeypatch, tmp_path)

    return make


def folder_of(returns: list[Path], where: Path) -> Path:
    where.mkdir(parents=True)
    for path in returns:
        shutil.copy(path, where / path.name)
    return where


def start_import(spec: str, folder: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "aitk_forms", "import", str(folder), "--content", str(SMALL)]
    command += ["--store", spec, "--out", str(out), "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out)


def stored_state(spec: str) -> tuple[list[str], set[str]]:
    """Every file's SHA-256 as often as the store holds it, and the kept responses' SHA-256."""
    files = sorted(sha256 for (sha256,) in sql(spec, "SELECT sha256 FROM files"))
    with open_store(spec) as store:
        kept = [response.sha256 for response in store.responses()]
    assert len(kept) == len(set(kept))
    return files, set(kept)


@pytest.fixture(scope="module")
def serial(returns, tmp_path_factory) -> tuple[list[str], set[str]]:
    """What one import of every return keeps (the rule does not depend on the database: SQLite stands for both)."""
    where = tmp_path_factory.mktemp("serial")
    spec = str(where / "serial.db")
    finished(start_import(spec, folder_of(returns, where / "in"), where / "out"))
    return stored_state(spec)


def test_two_imports_at_once_on_overlapping_folders_lose_and_duplicate_nothing(new_store, returns, serial, tmp_path):
    spec = new_store()
    third = len(returns) // 3
    first = folder_of(returns[: 2 * third], tmp_path / "first")
    second = folder_of(returns[third:], tmp_path / "second")  # a third of the returns are in both folders
    imports = [start_import(spec, first, tmp_path / "out-1"), start_import(spec, second, tmp_path / "out-2")]
    reports = [finished(process) for process in imports]
    assert [report["summary"]["files"] for report in reports] == [2 * third] * 2  # every input has its result
    files, kept = stored_state(spec)
    expected_files, expected_kept = serial
    assert files == expected_files and len(files) == len(returns)  # each file once
    assert len(kept) == len(UNITS) * 2  # one kept per form, round and unit
    assert kept == expected_kept  # the same ones a serial import keeps
    counts = dict(sql(spec, "SELECT sha256, COUNT(*) FROM responses GROUP BY sha256"))
    assert set(counts.values()) == {1}


def files_committed(spec: str) -> int:
    try:
        return sql(spec, "SELECT COUNT(*) FROM files")[0][0]
    except Exception:  # noqa: BLE001 - the schema is not there yet (either database's error)
        return 0


def kill_while_writing(process: subprocess.Popen, spec: str) -> bool:
    """SIGKILL the import while it is inside a write transaction; False when it finished first."""
    deadline = time.monotonic() + 60
    # Reading comes first; the first committed file says the writing began (and the schema is made).
    while time.monotonic() < deadline and process.poll() is None and not files_committed(spec):
        time.sleep(0.005)
    while time.monotonic() < deadline and process.poll() is None:
        os.kill(process.pid, signal.SIGSTOP)
        if inside_a_transaction(spec):
            process.kill()
            process.communicate()
            wait_until_the_server_let_go(spec)
            return True
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.002)  # let it run between looks
    process.communicate()
    return False


def assert_every_stored_file_is_whole(spec: str) -> None:
    """Each accepted file has its response and all its answers; nothing belongs to a file the store lacks."""
    accepted = {s for (s,) in sql(spec, "SELECT sha256 FROM files WHERE read_status IN ('accepted', 'accepted_with_warnings')")}
    responses = dict(sql(spec, "SELECT sha256, answers FROM responses"))
    assert set(responses) == accepted
    counts = dict(sql(spec, "SELECT sha256, COUNT(*) FROM answers GROUP BY sha256"))
    for sha256, answers in responses.items():
        held = json.loads(answers)
        assert counts.get(sha256, 0) == sum(len(v) if isinstance(v, list) else 1 for v in held.values())


def test_an_import_killed_while_writing_leaves_the_store_whole_and_the_next_run_finishes(new_store, returns, serial, tmp_path):
    folder = folder_of(returns, tmp_path / "in")
    for attempt in range(3):  # the writes take a fraction of a second: an attempt may end before it is caught
        spec = new_store()
        caught = kill_while_writing(start_import(spec, folder, tmp_path / f"out-{attempt}"), spec)
        if caught and files_committed(spec) < len(returns):  # stopped in the middle, not after the last file
            break
    else:
        pytest.fail("the import was never caught inside a transaction while writing its files")
    assert_every_stored_file_is_whole(spec)
    before = {s for (s,) in sql(spec, "SELECT sha256 FROM files")}
    report = finished(start_import(spec, folder, tmp_path / "out-next"))
    known = {f["sha256"] for f in report["files"] if f["status"] == "known"}
    assert known == before  # what was stored is not read again; the rest is read now
    assert stored_state(spec) == serial
    assert_every_stored_file_is_whole(spec)
