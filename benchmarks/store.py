"""The store benchmark: returns added to a fresh SQLite store (1,000 and 10,000 synthetic returns through the
store's API, and 1,000 real sample files through `import_files`), and a report with trends over 10 rounds
of 1,000 returns each. Each figure is measured in a fresh process, so that its peak memory is its own.

`python -m benchmarks.store` prints them all; `python -m benchmarks.store 1000 10000` only the store API ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERED = 40  # about the number of questions a real return answers
ROUNDS, PER_ROUND = 10, 1000  # the report benchmark: 10 rounds of 1,000 returns each
REAL_IMPORT = 1000  # sample files imported with import_files


def megabytes_peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_return(i: int, count: int):
    """Return i of `count`: three forms, four rounds, about two returns per (form, round, unit)."""
    from aitk_forms.store import FileRecord, ResponseRecord

    sha256 = hashlib.sha256(f"bench {i}".encode()).hexdigest()
    answers = {f"q{n:02d}": str((i + n) % 5) for n in range(ANSWERED - 2)}
    answers |= {"sources": ["cctv", "records", "social"][: 1 + i % 3], "notes": f"synthetic note {i}"}
    file = FileRecord(sha256, f"returns/{i:06d}.xlsx", 40_000 + i, "2026-05-01T08:00:00Z", "accepted", None, "xlsx")
    response = ResponseRecord(
        *("aitk", ("readiness", "risk", "workbook")[i % 3], "1.1", "en", f"round {i % 4 + 1}"),
        unit=f"Unit {(i // 12) % max(1, count // 24)}",
        answers=answers,
        scores={"overall": (i % 17) / 4, "privacy": i % 25},
        levels={"overall": ("low", "medium", "high")[i % 3], "privacy": "medium"},
        provisional={"accuracy": {"answered": 1, "needed": 2}},
        saved_at=f"2026-04-{1 + i % 28:02d}T10:00:00Z",
        answered=ANSWERED - i % 4,
    )
    return file, response


def scored_return(content, i: int, label: str):
    """Return i of round `label`, scored by the real content: the unit is the same in every round (its seed),
    the answers differ from round to round, and about one answer in ten is left out (provisional results)."""
    from aitk_forms.importer import unit_of
    from aitk_forms.sample import sample_answers
    from aitk_forms.scoring import score_form
    from aitk_forms.store import FileRecord, ResponseRecord

    form, seed = content.forms[i % len(content.forms)], i // len(content.forms)
    answers = sample_answers(form, seed, completeness=0.9, variant=label)
    card = score_form(form, answers)
    sha256 = hashlib.sha256(f"{label} {i}".encode()).hexdigest()
    file = FileRecord(sha256, f"{label}/{form.id}-{seed}.xlsx", 40_000, "2026-05-01T08:00:00Z", "accepted", None, "xlsx")
    levels = {r.key: r.level.id for r in card.results if r.final and r.level}
    response = ResponseRecord(
        *("aitk", form.id, form.version, "en", label, unit_of(form, answers) or ""),
        *(answers, card.scores, levels, card.provisional),
        saved_at=None,
        answered=len(answers),
    )
    return file, response


def measure(count: int) -> dict:
    """Run in this process: add, then stream, measuring each."""
    from aitk_forms.store import open_store

    with tempfile.TemporaryDirectory(prefix="aitk-bench-store-") as folder:
        path = Path(folder) / "bench.db"
        start_mb = megabytes_peak()
        with open_store(path) as store:
            started = time.perf_counter()
            for i in range(count):
                store.add(*synthetic_return(i, count))
            add_seconds = time.perf_counter() - started
            add_mb = megabytes_peak()
            started = time.perf_counter()
            streamed = sum(1 for _ in store.responses())
            stream_seconds = time.perf_counter() - started
        size_mb = sum(file.stat().st_size for file in Path(folder).iterdir()) / 1e6
    return {
        "count": count,
        "add_seconds": round(add_seconds, 3),
        "adds_per_second": round(count / add_seconds),
        "stream_seconds": round(stream_seconds, 3),
        "streamed": streamed,
        "start_mb": round(start_mb, 1),
        "peak_add_mb": round(add_mb, 1),
        "peak_stream_mb": round(megabytes_peak(), 1),
        "store_mb": round(size_mb, 1),
    }


def measure_import(folder: str, store_path: str) -> dict:
    """Run in this process: `import_files` of every file in `folder` into a fresh store."""
    from aitk_forms.importer import import_files
    from aitk_forms.load import load_content
    from aitk_forms.store import open_store

    content = load_content(ROOT / "content")
    start_mb = megabytes_peak()
    with open_store(store_path) as store:
        started = time.perf_counter()
        result = import_files(content, [Path(folder)], store=store)
        seconds = time.perf_counter() - started
        kept = store.info().responses
    return {
        "files": len(result.files),
        "kept": kept,
        "seconds": round(seconds, 2),
        "start_mb": round(start_mb, 1),
        "peak_mb": round(megabytes_peak(), 1),
        "largest_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def measure_trends(store_path: str) -> dict:
    """Run in this process: the trends and changes of every round of the store at `store_path`."""
    from aitk_forms.load import load_content
    from aitk_forms.reports.trends import compute_trends
    from aitk_forms.store import open_store

    content = load_content(ROOT / "content")
    start_mb = megabytes_peak()
    with open_store(store_path) as store:
        started = time.perf_counter()
        trends = compute_trends(store, content)
        seconds = time.perf_counter() - started
    return {
        "rounds": len(trends.rounds),
        "units": sum(len(t.units) for t in trends.forms),
        "changes": sum(len(t.changes) for t in trends.forms),
        "seconds": round(seconds, 2),
        "start_mb": round(start_mb, 1),
        "peak_mb": round(megabytes_peak(), 1),
    }


def in_fresh_process(*arguments: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.store", *arguments], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout)


def bench_store(count: int) -> dict:
    """Time and peak memory (MB, RSS) to add `count` returns to a fresh SQLite store and to stream them back,
    measured in a fresh process."""
    return in_fresh_process("--json", str(count))


def make_sample_files(content, folder: Path, count: int) -> float:
    """`count` filled returns for one round, alternately .xlsx and .docx (the PDF filler takes about a second a
    file, too slow for a thousand); returns the seconds it took."""
    from aitk_forms.formats import CODECS, RenderOptions
    from aitk_forms.sample import sample_answers

    started = time.perf_counter()
    folder.mkdir(parents=True)
    blanks = {}
    for form in content.forms:
        for name in ("xlsx", "docx"):
            blanks[(form.id, name)] = folder.parent / f"blank-{form.id}.{name}"
            CODECS[name].render(content, form, "en", blanks[(form.id, name)], RenderOptions(round="2026"))
    for i in range(count):
        form, name = content.forms[i % len(content.forms)], ("xlsx", "docx")[(i // len(content.forms)) % 2]
        answers = sample_answers(form, i // len(content.forms), completeness=0.9)
        CODECS[name].fill(content, form, "en", blanks[(form.id, name)], folder / f"{form.id}-{i:05d}.{name}", answers)
    return time.perf_counter() - started


def fill_rounds(content, store_path: Path) -> float:
    """ROUNDS rounds of PER_ROUND scored returns added to a fresh store; returns the seconds it took."""
    from aitk_forms.store import open_store

    started = time.perf_counter()
    with open_store(store_path) as store:
        for r in range(ROUNDS):
            label = f"20{20 + r}"
            for i in range(PER_ROUND):
                store.add(*scored_return(content, i, label))
    return time.perf_counter() - started


def timed_report(store_path: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB) of `aitk-forms report` (the latest round, with trends) in a fresh process."""
    command = [str(Path(sys.executable).with_name("aitk-forms")), "report", "--store", str(store_path), "--out", str(out)]
    command += ["--content", str(ROOT / "content")]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped above
    if status:
        raise RuntimeError(f"aitk-forms report failed (status {status}): run it by hand on {store_path}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def report_store(content) -> None:
    """Print the store figures for `make bench`."""
    print("\nStore (SQLite; each figure from a fresh process, peak memory is its RSS)")
    print(f"{'returns':>8}  {'way in':<34} {'seconds':>8} {'per s':>7} {'peak MB':>8}")
    for count in (1000, 10000):
        found = bench_store(count)
        print(f"{count:>8}  {'store API, synthetic returns':<34} {found['add_seconds']:>8.2f} "
              f"{found['adds_per_second']:>7} {found['peak_add_mb']:>8.0f}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="aitk-bench-") as tmp:
        making = make_sample_files(content, Path(tmp) / "returns", REAL_IMPORT)
        found = in_fresh_process("--json-import", str(Path(tmp) / "returns"), str(Path(tmp) / "import.db"))
        print(f"{found['files']:>8}  {'import_files, .xlsx and .docx':<34} {found['seconds']:>8.2f} "
              f"{round(found['files'] / found['seconds']):>7} {found['peak_mb']:>8.0f}"
              f"  (largest reader {found['largest_worker_mb']:.0f} MB; making the files took {making:.0f} s)")  # fmt: skip
        store = Path(tmp) / "rounds.db"
        filling = fill_rounds(content, store)
        trends = in_fresh_process("--json-trends", str(store))
        seconds, peak = timed_report(store, Path(tmp) / "report")
    print(f"\nReport over {ROUNDS} rounds of {PER_ROUND} returns (store filled in {filling:.0f} s):")
    print(f"  trends: {trends['units']} units, {trends['changes']} changes in {trends['seconds']:.2f} s, "
          f"peak {trends['peak_mb']:.0f} MB (from {trends['start_mb']:.0f} MB after loading)")  # fmt: skip
    print(f"  aitk-forms report (latest round, with Trends and Changes): {seconds:.1f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--json"]:
        print(json.dumps(measure(int(arguments[1]))))
    elif arguments[:1] == ["--json-import"]:
        print(json.dumps(measure_import(arguments[1], arguments[2])))
    elif arguments[:1] == ["--json-trends"]:
        print(json.dumps(measure_trends(arguments[1])))
    elif arguments:
        for number in arguments:
            print(bench_store(int(number)))
    else:
        from aitk_forms.load import load_content

        report_store(load_content(ROOT / "content"))
