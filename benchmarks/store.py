"""The store benchmark: add N synthetic returns to a fresh SQLite store, then stream the kept responses back.
Each count runs in a fresh process so its peak memory is its own (`python -m benchmarks.store 1000 10000`)."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANSWERED = 40  # about the number of questions a real return answers


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


def bench_store(count: int) -> dict:
    """Time and peak memory (MB, RSS) to add `count` returns to a fresh SQLite store and to stream them back,
    measured in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.store", "--json", str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--json"]:
        print(json.dumps(measure(int(arguments[1]))))
    else:
        for number in arguments or ["1000", "10000"]:
            print(bench_store(int(number)))
