"""The store, on SQLite and on a real PostgreSQL server started by these tests: what it keeps, the duplicate
rule, migrations, managing it, export, and two processes (or a killed one) writing at once."""

from __future__ import annotations

import itertools
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import pg_server
from aitk_forms.store import FileRecord, ResponseRecord, StoreError, open_store, round_order, unit_key
from aitk_forms.store.database import PostgresDatabase, filesystem_type, is_network_filesystem, open_sqlite
from aitk_forms.store.records import to_json
from aitk_forms.store.schema import migrate
from conftest import postgresql_spec
from store_worker import order, synthetic

WORKER = Path(__file__).with_name("store_worker.py")


@pytest.fixture(params=["sqlite", "postgresql"])
def spec(request, monkeypatch, tmp_path) -> str:
    """Where a fresh, empty store lives: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return postgresql_spec(request, monkeypatch, tmp_path)


@pytest.fixture
def store(spec):
    with open_store(spec) as opened:
        yield opened


def sql(spec: str, query: str, params: tuple = ()) -> list[tuple]:
    """Rows read straight from the database, past the store's own code."""
    if spec.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(spec) as conn:
            return [tuple(row) for row in conn.execute(query.replace("?", "%s"), params).fetchall()]
    conn = sqlite3.connect(spec)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def sha(tag: str) -> str:
    """A readable stand-in for a SHA-256 that sorts as its tag does."""
    return tag.encode().hex().ljust(64, "0")[:64]


def a_return(tag: str, *, unit="Cyber Unit", form="risk", round_label="2026", answered=10, saved_at="2026-03-01T10:00:00Z",
             answers=None, scores=None, provisional=None, status="accepted"):  # fmt: skip
    file = FileRecord(sha(tag), f"returns/{tag}.xlsx", 2048, "2026-05-01T08:00:00Z", status, None, "xlsx")
    response = ResponseRecord(
        *("aitk", form, "1.1", "fr", round_label, unit),
        answers=answers if answers is not None else {"q1": "yes", "q2": ["cctv", "records"]},
        scores=scores if scores is not None else {"overall": 12},
        levels={"overall": "medium"},
        provisional=provisional if provisional is not None else {"privacy": {"answered": 1, "needed": 2}},
        saved_at=saved_at,
        answered=answered,
    )
    return file, response


def kept(store, **filters) -> list[str]:
    return [response.sha256 for response in store.responses(**filters)]


# Migrations and opening.


def test_a_new_store_records_every_migration_it_applied_and_reopening_applies_nothing(spec):
    with open_store(spec) as store:
        assert store.info().schema_version == 5
    first = sql(spec, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version")
    names = [(1, "initial"), (2, "management"), (3, "campaigns"), (4, "mail_seen"), (5, "file_identity")]
    assert [row[:2] for row in first] == names
    with open_store(spec):
        pass
    assert sql(spec, "SELECT version, name, applied_at FROM schema_migrations ORDER BY version") == first


def open_database(spec: str):
    return PostgresDatabase(spec) if spec.startswith("postgresql://") else open_sqlite(Path(spec))[0]


def test_opening_a_store_left_at_an_older_schema_migrates_it_and_keeps_its_data(spec):
    old = open_database(spec)
    assert migrate(old, target=1) == 1
    with old.transaction():  # what version 1 of the store wrote
        old.execute(
            "INSERT INTO files VALUES (?, 'returns/old.xlsx', 10, '2025-01-01T00:00:00Z', 'accepted', 'accepted', NULL, "
            "'xlsx', '[]', NULL)",
            (sha("old"),),
        )
        old.execute(
            "INSERT INTO responses VALUES (?, 'aitk', 'risk', '1.0', 'en', '2025', 'Old Unit', 'old unit', 'old unit', "
            "'{\"gone_question\":\"x\"}', '{\"overall\":4}', '{\"overall\":\"low\"}', '{}', NULL, '', 1, 'kept', NULL)",
            (sha("old"),),
        )
    old.close()
    assert sql(spec, "SELECT version FROM schema_migrations") == [(1,)]
    with open_store(spec) as store:
        assert store.info().schema_version == 5
        found = store.known(sha("old"))
        assert found.response.answers == {"gone_question": "x"}  # an answer to a question later versions removed
        assert kept(store) == [sha("old")]
        assert store.alias("Old Unit", "Renamed Unit") == 1  # the table migration 2 added works


def test_a_store_written_by_a_newer_version_is_refused_and_left_untouched(spec):
    with open_store(spec) as store:
        store.add(*a_return("a"))
    sql_now = "INSERT INTO schema_migrations VALUES (99, 'future', '2030-01-01T00:00:00Z')"
    if spec.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(spec) as conn:
            conn.execute(sql_now)
    else:
        with sqlite3.connect(spec) as conn:
            conn.execute(sql_now)
        conn.close()
    with pytest.raises(StoreError, match="newer aitk-forms.*upgrade"):
        open_store(spec)
    assert sql(spec, "SELECT COUNT(*) FROM responses") == [(1,)]


def test_a_file_that_is_not_a_store_is_refused_not_rebuilt(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="cannot be opened as a store"):
        open_store(text)
    assert text.read_text() == "not a database\n" * 100
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE accounts (name TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="not an aitk-forms store"):
        open_store(other)
    assert sql(str(other), "SELECT name FROM sqlite_master") == [("accounts",)]


def test_a_new_sqlite_store_is_private_to_its_owner_and_in_wal_mode(tmp_path):
    path = tmp_path / "store.db"
    with open_store(path) as store:
        store.add(*a_return("a"))
        assert store.notes == []
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sql(str(path), "PRAGMA journal_mode") == [("wal",)]


def test_network_file_systems_are_recognised_from_proc_mounts():
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "server:/export /mnt/share nfs4 rw 0 0\n"
        "//nas/team\\040data /mnt/team\\040data cifs rw 0 0\n"
        "me@host:/home /mnt/ssh fuse.sshfs rw 0 0\n"
    )
    assert filesystem_type(Path("/mnt/share/rounds/aitk-forms.db"), mounts) == "nfs4"
    assert filesystem_type(Path("/mnt/shared/aitk-forms.db"), mounts) == "ext4"  # a longer name is not inside
    assert filesystem_type(Path("/mnt/team data/aitk-forms.db"), mounts) == "cifs"
    assert [is_network_filesystem(kind) for kind in ("nfs4", "cifs", "smb3", "fuse.sshfs", "ext4", "tmpfs")] == [
        *(True, True, True, True),
        *(False, False),
    ]


def test_the_store_defaults_to_AITK_STORE_then_aitk_forms_db_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AITK_STORE", raising=False)
    with open_store(None) as store:
        assert store.location == "aitk-forms.db"
    assert (tmp_path / "aitk-forms.db").exists()
    monkeypatch.setenv("AITK_STORE", str(tmp_path / "team.db"))
    with open_store(None) as store:
        assert store.location == str(tmp_path / "team.db")
    assert open_store("none") is None
    monkeypatch.setenv("AITK_STORE", "none")
    assert open_store(None) is None


@pytest.mark.parametrize("url", ["postgresql://aitk:secret@db.example/aitk", "postgresql://db.example/aitk?password=secret"])
def test_a_password_in_a_postgresql_url_is_refused(url):
    with pytest.raises(StoreError, match="holds a password.*PGPASSWORD"):
        open_store(url)


def test_a_missing_psycopg_is_reported_with_the_command_that_installs_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # what `import psycopg` meets when it is not installed
    with pytest.raises(StoreError, match=r"pip install 'aitk-forms\[postgresql\]'"):
        open_store("postgresql://aitk@db.example/aitk")


def test_the_postgresql_password_comes_from_PGPASSWORD_or_pgpass(request, monkeypatch, tmp_path):
    url = postgresql_spec(request, monkeypatch, tmp_path)
    monkeypatch.delenv("PGPASSWORD")
    with pytest.raises(StoreError, match="PGPASSWORD"):
        open_store(url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:*:{pg_server.ROLE}:{pg_server.PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    with open_store(url) as store:
        assert store.info().schema_version == 5


# Files and responses.


def test_a_file_already_stored_is_known_and_nothing_is_written_again(store):
    file, response = a_return("a", answers={"q1": "yes"})
    assert store.add(file, response) == "accepted"
    assert store.add(file, a_return("a", answers={"q1": "no"})[1]) == "known"
    assert store.known(sha("a")).response.answers == {"q1": "yes"}
    assert store.info().files == 1
    assert store.known(sha("never")) is None


def test_rejected_and_ignored_files_are_recorded_without_a_response(store):
    problems = ({"question": "privacy_likelihood", "message": "not one of the choices"},)
    source = {"container": "inbox.mbox", "message_id": "<1@x>", "from": "a@b", "date": "d", "subject": "s"}
    file = FileRecord(sha("r"), "inbox.mbox#3/form.xlsx", 5, "2026-05-01T08:00:00Z", "rejected", "unreadable", "xlsx",
                      problems, source)  # fmt: skip
    assert store.add(file, a_return("r")[1]) == "rejected"
    assert store.add(FileRecord(sha("i"), "logo.png", 9, "2026-05-01T08:00:00Z", "ignored", "not a form", None)) == "ignored"
    found = store.known(sha("r"))
    assert (found.status, found.reason, found.problems, found.source, found.response) == (
        *("rejected", "unreadable", problems, source),
        None,
    )
    assert store.known(sha("i")).status == "ignored"
    assert kept(store) == []


def test_the_duplicate_rule_keeps_the_same_return_whatever_the_order_files_arrive_in(store):
    def returns(round_label):
        return [  # kept: "c", which ties with "d" on answers and save time (+02:00 is the same instant) and sorts lower
            a_return(f"a{round_label}", answered=5, saved_at="2026-03-02T10:00:00Z", round_label=round_label),
            a_return(f"b{round_label}", answered=7, saved_at="2026-03-01T09:00:00Z", round_label=round_label),
            a_return(f"c{round_label}", answered=7, saved_at="2026-03-01T12:00:00+02:00", round_label=round_label),
            a_return(f"d{round_label}", answered=7, saved_at="2026-03-01T10:00:00Z", round_label=round_label),
        ]

    for number, arrival in enumerate(itertools.permutations(range(4))):
        label = f"order {number:02d}"
        for index in arrival:
            store.add(*returns(label)[index])
        assert kept(store, round=label) == [sha(f"c{label}")]
        loser = store.known(sha(f"a{label}"))
        assert (loser.status, loser.response.state) == ("duplicate", "duplicate")
        assert loser.reason == f"another return of the same form, round and unit was kept: returns/c{label}.xlsx"


def test_the_latest_save_time_wins_when_answers_are_equal_and_an_unknown_time_loses(store):
    store.add(*a_return("a", saved_at="2026-03-01T10:30:00+02:00"))  # 08:30 UTC: earlier, though its text sorts later
    store.add(*a_return("b", saved_at="2026-03-01T09:00:00Z"))
    store.add(*a_return("c", saved_at=None))
    assert kept(store) == [sha("b")]


def test_the_lowest_sha256_wins_when_answers_and_save_times_are_equal(store):
    assert store.add(*a_return("f")) == "accepted"
    assert store.add(*a_return("e")) == "accepted"
    assert store.known(sha("f")).status == "duplicate"
    assert kept(store) == [sha("e")]


def test_spellings_differing_only_in_case_width_or_spacing_are_one_unit(store):
    store.add(*a_return("a", unit="Cyber Unit", answered=3))
    store.add(*a_return("b", unit="  ＣＹＢＥＲ   unit ", answered=4))
    assert kept(store) == [sha("b")]
    assert unit_key("  ＣＹＢＥＲ \t unit ") == "cyber unit"


def test_returns_of_an_unknown_unit_are_all_kept(store):
    store.add(*a_return("a", unit=""))
    store.add(*a_return("b", unit=""))
    assert kept(store) == [sha("a"), sha("b")]


def test_an_alias_makes_two_spellings_one_unit_and_applies_the_rule_again(spec, store):
    store.add(*a_return("a", unit="Cyber Unit", answered=3))
    store.add(*a_return("b", unit="Cyber Security Unit", answered=4))
    store.add(*a_return("c", unit="Cyber Unit", answered=1, round_label="2025"))
    assert len(kept(store)) == 3
    assert store.alias("cyber unit", "Cyber Security Unit") == 2
    assert kept(store, round="2026") == [sha("b")]
    assert store.known(sha("a")).status == "duplicate"
    assert store.add(*a_return("d", unit="CYBER UNIT", answered=9)) == "accepted"  # files under the alias from now on
    assert store.known(sha("b")).status == "duplicate"
    assert store.alias("Cyber Unit", "cyber security unit") == 0  # already one unit
    assert store.alias("Cyber Security Unit", "Cybercrime Unit") == 4  # the whole unit moves, its alias with it
    assert {response.unit_key for response in store.responses()} == {"cybercrime unit"}
    assert sql(spec, "SELECT from_key, to_key FROM aliases ORDER BY from_key") == [
        ("cyber security unit", "cybercrime unit"),
        ("cyber unit", "cybercrime unit"),
    ]
    assert [action[2:] for action in store.actions()] == [
        ("alias", '{"from":"cyber unit","to":"Cyber Security Unit"}', "2 responses moved"),
        ("alias", '{"from":"Cyber Security Unit","to":"Cybercrime Unit"}', "4 responses moved"),
    ]


def test_withdrawing_the_kept_return_lets_the_next_best_take_its_place(store):
    store.add(*a_return("a", answered=9))
    store.add(*a_return("b", answered=5))
    store.add(FileRecord(sha("r"), "bad.xlsx", 1, "2026-05-01T08:00:00Z", "rejected", "unreadable", "xlsx"))
    store.withdraw(sha("a"))
    assert kept(store) == [sha("b")]
    withdrawn = store.known(sha("a"))
    assert (withdrawn.status, withdrawn.response.state) == ("accepted", "withdrawn")
    assert withdrawn.reason.startswith("withdrawn on ")
    assert store.known(sha("b")).status == "accepted"
    with pytest.raises(StoreError, match="already withdrawn"):
        store.withdraw(sha("a"))
    with pytest.raises(StoreError, match="no response to withdraw.*rejected"):
        store.withdraw(sha("r"))
    with pytest.raises(StoreError, match="no file with SHA-256"):
        store.withdraw(sha("zz"))
    assert [action[2] for action in store.actions()] == ["withdraw"]


def test_forgetting_a_unit_deletes_its_responses_and_answers_but_the_files_stay_known(spec, store):
    source = {"container": "inbox.mbox", "message_id": "<1@x>", "from": "officer@agency", "date": "d", "subject": "s"}
    file, response = a_return("a", unit="Cyber Unit")
    store.add(FileRecord(*[getattr(file, name) for name in ("sha256", "path", "size", "seen_at", "status", "reason", "format")],
                         source=source), response)  # fmt: skip
    store.add(*a_return("b", unit="cyber  unit", round_label="2025"))
    store.add(*a_return("c", unit="Fraud Unit"))
    assert store.forget_unit("CYBER UNIT") == 2
    assert kept(store) == [sha("c")]
    assert sql(spec, "SELECT DISTINCT sha256 FROM answers") == [(sha("c"),)]
    forgotten = store.known(sha("a"))
    assert (forgotten.path, forgotten.source, forgotten.response, forgotten.status) == ("", None, None, "accepted")
    assert "officer@agency" not in str(sql(spec, "SELECT * FROM files"))
    assert store.add(*a_return("a", unit="Cyber Unit")) == "known"  # importing it again brings nothing back
    assert [action[2:] for action in store.actions()] == [("forget", '{"unit":"CYBER UNIT"}', "2 responses deleted")]


# Reading back.


def test_rounds_sort_in_natural_order(store):
    labels = ["round 10", "2026-Q2", "round 9", "2026", "2025", "unassigned"]
    for number, label in enumerate(labels):
        store.add(*a_return(f"r{number}", round_label=label))
    assert store.rounds() == ["2025", "2026", "2026-Q2", "round 9", "round 10", "unassigned"]
    assert sorted(["v2", "V10", "v1.10", "v1.9"], key=round_order) == ["v1.9", "v1.10", "v2", "V10"]


def test_responses_stream_in_form_round_unit_order_and_filter_by_round_and_form(store):
    store.add(*a_return("a", form="risk", unit="beta", round_label="2026"))
    store.add(*a_return("b", form="readiness", unit="alpha", round_label="2026"))
    store.add(*a_return("c", form="risk", unit="Alpha", round_label="2025"))
    store.add(*a_return("d", form="risk", unit="Ähre", round_label="2026"))
    assert kept(store) == [sha("b"), sha("c"), sha("a"), sha("d")]  # text by code point on both databases
    assert kept(store, round="2026", form="risk") == [sha("a"), sha("d")]
    assert [file.sha256 for file in store.files(round="2025")] == [sha("c")]
    assert [file.path for file in store.files()] == [f"returns/{tag}.xlsx" for tag in "abcd"]


def test_form_definitions_are_kept_per_version_and_replaced_by_a_corrected_one(store):
    store.save_form("aitk", "risk", "1.0", {"questions": ["q1"]})
    store.save_form("aitk", "risk", "1.0", {"questions": ["q1"]})
    store.save_form("aitk", "risk", "1.1", {"questions": ["q1", "q2"], "label": "Risque"})
    store.save_form("aitk", "risk", "1.1", {"questions": ["q1", "q2"], "label": "Risques"})
    assert store.form_definition("aitk", "risk", "1.0") == {"questions": ["q1"]}
    assert store.form_definition("aitk", "risk", "1.1")["label"] == "Risques"
    assert store.form_definition("aitk", "risk", "2.0") is None


def test_info_counts_files_and_kept_responses_per_form_and_round(store):
    store.add(*a_return("a", round_label="2025"))
    store.add(*a_return("b", round_label="2026", answered=1))
    store.add(*a_return("c", round_label="2026", answered=2))
    store.add(*a_return("d", form="readiness"))
    info = store.info()
    assert (info.rounds, info.files, info.responses) == (["2025", "2026"], 4, 3)
    assert info.counts == {("readiness", "2026"): 1, ("risk", "2025"): 1, ("risk", "2026"): 1}
    assert info.statuses == {"accepted": 3, "duplicate": 1}


# Backup and export.


def test_a_sqlite_backup_is_a_store_with_the_same_contents(tmp_path):
    with open_store(tmp_path / "store.db") as store:
        store.add(*a_return("a"))
        store.backup(tmp_path / "copy.db")
        with pytest.raises(StoreError, match="already exists"):
            store.backup(tmp_path / "copy.db")
    assert stat.S_IMODE((tmp_path / "copy.db").stat().st_mode) == 0o600
    with open_store(tmp_path / "copy.db") as copy:
        assert kept(copy) == [sha("a")]
        assert [action[2] for action in copy.actions()] == []  # the copy was taken before the record was written


def test_a_postgresql_store_is_backed_up_with_the_pg_dump_command_given(request, monkeypatch, tmp_path):
    url = postgresql_spec(request, monkeypatch, tmp_path)
    with open_store(url) as store, pytest.raises(StoreError) as raised:
        store.backup(tmp_path / "copy.dump")
    assert f"pg_dump --format=custom --file={tmp_path / 'copy.dump'} {url}" in str(raised.value)


def export_contents(store, out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in store.export_csv(out)}


def test_export_is_byte_identical_on_sqlite_and_postgresql_whatever_the_order(request, monkeypatch, tmp_path):
    returns = [synthetic(i) for i in range(60)]
    returns.append(a_return("x", unit="Ärzte =Team", answers={"note": "=HYPERLINK(1)", "many": ["+a", "@b"], "n": -3.5}))
    returns.append(a_return("y", unit="zeta", scores={"overall": 2.0, "privacy": 2.5}, provisional={}))
    with open_store(tmp_path / "store.db") as sqlite_store:
        for file, response in returns:
            sqlite_store.add(file, response)
        on_sqlite = export_contents(sqlite_store, tmp_path / "sqlite")
    with open_store(postgresql_spec(request, monkeypatch, tmp_path)) as pg_store:
        for file, response in reversed(returns):
            pg_store.add(file, response)
        on_postgresql = export_contents(pg_store, tmp_path / "postgresql")
    assert on_sqlite == on_postgresql
    answers = on_sqlite["answers.csv"].decode("utf-8")
    assert answers.startswith("\ufeffsha256,form,round,unit,question,value\r\n")
    assert f"{sha('x')},risk,2026,Ärzte =Team,many,'+a\r\n{sha('x')},risk,2026,Ärzte =Team,many,'@b\r\n" in answers
    assert f"{sha('x')},risk,2026,Ärzte =Team,n,'-3.5\r\n" in answers
    assert f"{sha('x')},risk,2026,Ärzte =Team,note,'=HYPERLINK(1)\r\n" in answers
    scores = on_sqlite["scores.csv"].decode("utf-8")
    assert f"{sha('y')},risk,2026,zeta,overall,2,medium,1\r\n{sha('y')},risk,2026,zeta,privacy,2.5,,1\r\n" in scores
    assert f"{sha('x')},risk,2026,Ärzte =Team,privacy,,,0\r\n" in scores  # a provisional result: no score, not final
    lines = on_sqlite["responses.csv"].decode("utf-8").splitlines()[1:]
    assert len(lines) == len(kept_of(returns))
    keys = [(cells[3], cells[6], unit_key(cells[7]), cells[0]) for cells in (line.split(",") for line in lines)]
    assert keys == sorted(keys)  # form, round, unit, SHA-256


def kept_of(returns) -> set[str]:
    """The duplicate rule worked out independently of the store: per (form, round, unit) most answers, then the
    latest save time, then the lowest SHA-256 (the synthetic save times share one format and offset)."""
    groups: dict[tuple, list] = {}
    for file, response in returns:
        groups.setdefault((response.form, response.round, unit_key(response.unit)), []).append((file, response))
    return {
        min(group, key=lambda pair: (-pair[1].answered, [-ord(c) for c in pair[1].saved_at or ""], pair[0].sha256))[0].sha256
        for group in groups.values()
    }


# Several processes at once, and a killed one.


def start_worker(spec: str, first: int, stop: int, seed: int, *options: str) -> subprocess.Popen:
    command = [sys.executable, str(WORKER), spec, str(first), str(stop), str(seed), *options]
    worker = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert worker.stdout.readline() == "ready\n", worker.stderr.read()
    return worker


def statuses(out: str) -> dict[int, str]:
    """The status the worker's store.add returned for each return it added."""
    return {int(number): status for number, status in (line.split() for line in out.splitlines())}


def finish(worker: subprocess.Popen) -> dict[int, str]:
    out, err = worker.communicate(timeout=120)
    assert worker.returncode == 0, err
    return statuses(out)


def assert_every_group_keeps_the_rule_s_choice(spec: str, numbers: Iterable[int], units: int = 25) -> None:
    returns = [synthetic(i, units) for i in numbers]
    assert sorted(sha256 for (sha256,) in sql(spec, "SELECT sha256 FROM files")) == sorted(f.sha256 for f, _ in returns)
    per_group = sql(
        spec, "SELECT form, round, unit_key, COUNT(*) FROM responses WHERE state = 'kept' GROUP BY form, round, unit_key"
    )
    assert len(per_group) == len({(r.form, r.round, unit_key(r.unit)) for _, r in returns})
    assert {count for *_, count in per_group} == {1}
    assert {sha256 for (sha256,) in sql(spec, "SELECT sha256 FROM responses WHERE state = 'kept'")} == kept_of(returns)


def test_two_processes_adding_overlapping_returns_at_once_lose_and_duplicate_nothing(spec, tmp_path):
    go = tmp_path / "go"
    # Both open the new store at once (and so both try to create its schema), then add when `go` appears; the
    # returns are spread over 2 units only (8 groups), so that the two often write to one group at the same time.
    options = ("--go", str(go), "--pause", "0.002", "--units", "2")
    workers = [start_worker(spec, 0, 200, 1, *options), start_worker(spec, 100, 300, 2, *options)]
    go.touch()
    first, second = (finish(worker) for worker in workers)
    assert (sorted(first), sorted(second)) == (list(range(200)), list(range(100, 300)))
    stored_by_first = {number for number in range(100, 200) if first[number] != "known"}
    for number in range(100, 200):  # a return both added: exactly one of them stored it, the other found it known
        assert sorted(status == "known" for status in (first[number], second[number])) == [False, True]
    assert 0 < len(stored_by_first) < 100  # they really ran side by side
    assert "known" not in [first[number] for number in range(100)] + [second[number] for number in range(200, 300)]
    assert_every_group_keeps_the_rule_s_choice(spec, range(300), units=2)


def test_two_processes_adding_the_first_returns_of_the_same_units_at_once_keep_one_per_unit(spec, tmp_path):
    go = tmp_path / "go"
    # Over 100 units, return i and return i + 400 are the only two of their (form, round, unit): each worker adds
    # one of each pair, both in ascending order from the same moment, so both often arrive in an empty group together.
    options = ("--go", str(go), "--units", "100")
    workers = [start_worker(spec, 0, 200, 0, *options), start_worker(spec, 400, 600, 0, *options)]
    go.touch()
    for worker in workers:
        finish(worker)
    assert_every_group_keeps_the_rule_s_choice(spec, [*range(200), *range(400, 600)], units=100)


def inside_a_transaction(spec: str) -> bool:
    """Whether the (stopped) worker is in the middle of a write transaction."""
    if spec.startswith("postgresql://"):
        # "idle in transaction": the server waits for the stopped client's next statement.
        busy = (
            "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'aitk-forms' "
            "AND state = 'idle in transaction' AND datname = current_database()"
        )
        return sql(spec, busy) == [(1,)]
    probe = sqlite3.connect(spec, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")  # the write lock is free: the worker is between transactions
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        probe.close()


def kill_inside_a_transaction(worker: subprocess.Popen, spec: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        os.kill(worker.pid, signal.SIGSTOP)
        if inside_a_transaction(spec):
            worker.kill()
            worker.wait()
            wait_until_the_server_let_go(spec)
            return
        os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.001)
    pytest.fail("the worker was never caught inside a transaction")


def wait_until_the_server_let_go(spec: str) -> None:
    """PostgreSQL ends a dead client's session when it next reads from it; wait for that, so that what the
    tests read afterwards is final."""
    if not spec.startswith("postgresql://"):
        return
    deadline = time.monotonic() + 30
    sessions = "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = 'aitk-forms' AND datname = current_database()"
    while sql(spec, sessions) != [(0,)]:
        assert time.monotonic() < deadline, "the killed client's session never ended"
        time.sleep(0.01)


def answer_count(response: ResponseRecord) -> int:
    return sum(len(value) if isinstance(value, list) else 1 for value in response.answers.values())


def test_a_process_killed_inside_a_transaction_leaves_every_file_whole_or_absent(spec):
    worker = start_worker(spec, 0, 600, 3)
    for _ in range(50):
        worker.stdout.readline()
    kill_inside_a_transaction(worker, spec)
    printed = order(0, 600, 3)[: 50 + len(statuses(worker.communicate()[0]))]
    in_flight = order(0, 600, 3)[len(printed)]
    present = {sha256 for (sha256,) in sql(spec, "SELECT sha256 FROM files")}
    # The file being added when the process died is absent, or (when its commit had already been written and
    # only the reply was outstanding) whole: never in part, as the checks below show.
    stored = printed if synthetic(in_flight)[0].sha256 not in present else [*printed, in_flight]
    assert present == {synthetic(number)[0].sha256 for number in stored}
    expected = {file.sha256: response for file, response in (synthetic(i) for i in range(600))}
    responses = {sha256: answers for sha256, answers in sql(spec, "SELECT sha256, answers FROM responses")}
    counts = dict(sql(spec, "SELECT sha256, COUNT(*) FROM answers GROUP BY sha256"))
    assert set(responses) == present and set(counts) == present
    for sha256 in present:
        assert responses[sha256] == to_json(expected[sha256].answers)
        assert counts[sha256] == answer_count(expected[sha256])
    if not spec.startswith("postgresql://"):
        assert sql(spec, "PRAGMA integrity_check") == [("ok",)]
        assert sql(spec, "PRAGMA foreign_key_check") == []
    added = finish(start_worker(spec, 0, 600, 4))  # the next run finishes the work
    assert {number for number, status in added.items() if status == "known"} == set(stored)
    assert_every_group_keeps_the_rule_s_choice(spec, range(600))


# Mail taken and rejected identities.


def test_mail_taken_is_remembered_by_place_once_and_a_rejected_files_identity_is_kept(spec):
    with open_store(spec) as store:
        imap = "imaps://coordinator@mail.example/Returns"
        store.mail_seen.remember("", {"<a@x>": [(sha("a"), "inbox.mbox#1/a.xlsx")], "<b@x>": []})
        store.mail_seen.remember(imap, {"17:1": [(sha("a"), f"{imap}#1/a.xlsx")]})
        store.mail_seen.remember("", {"<a@x>": []})  # taken again: the first record stands
        assert store.mail_seen.items("") == {"<a@x>": [(sha("a"), "inbox.mbox#1/a.xlsx")], "<b@x>": []}
        assert store.mail_seen.items(imap) == {"17:1": [(sha("a"), f"{imap}#1/a.xlsx")]}
        assert store.mail_seen.items("imaps://coordinator@mail.example/INBOX") == {}
        rejected = FileRecord(sha("r"), "scan.xlsx", 5, "2026-05-01T08:00:00Z", "rejected", "a cell is missing", "xlsx",
                              form="risk", round="2026", unit="Cyber Unit")  # fmt: skip
        store.add(rejected)
        (seen,) = store.campaigns.rejected("2026-01-01")
        assert (seen.form, seen.round, seen.unit_key) == ("risk", "2026", unit_key("Cyber Unit"))
