"""Peak memory of `aitk-forms report` as the store grows: one round of 1,000 and of 10,000 scored returns of the
real content (benchmarks/store.py's `scored_return`), each report in a fresh process, so its peak RSS is its own.

`python -m benchmarks.report_memory [COUNT ...] [--keep DIR]` prints one JSON line per count and writes them to
benchmarks/output/report_memory.jsonl. Set PYTHONPATH to a copy of src/ to measure another version of the code
against the same stores (the stores are kept in DIR with --keep, and reused when they are there).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.store import ROOT, scored_return, timed_report

OUTPUT = ROOT / "benchmarks" / "output" / "report_memory.jsonl"


def fill(store_path: Path, count: int) -> float:
    """A fresh store holding `count` kept responses of round 2026; the seconds it took."""
    from aitk_forms.load import load_content
    from aitk_forms.store import open_store

    content = load_content(ROOT / "content")
    started = time.perf_counter()
    with open_store(store_path) as store:
        for i in range(count):
            store.add(*scored_return(content, i, "2026"))
    return time.perf_counter() - started


def measure(count: int, folder: Path) -> dict:
    store_path = folder / f"report-{count}.db"
    filling = 0.0 if store_path.exists() else fill(store_path, count)
    seconds, peak = timed_report(store_path, folder / f"out-{count}")
    code = os.environ.get("PYTHONPATH") or "src"
    return {"responses": count, "code": code, "report_seconds": round(seconds, 2), "peak_mb": round(peak, 1),
            "fill_seconds": round(filling, 1)}  # fmt: skip


def main(arguments: list[str]) -> None:
    keep = arguments[arguments.index("--keep") + 1] if "--keep" in arguments else None
    counts = [int(a) for a in arguments if a.isdigit()] or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="aitk-bench-report-") as tmp:
        folder = Path(keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        for count in counts:
            found = measure(count, folder)
            print(json.dumps(found), flush=True)
            with OUTPUT.open("a") as log:
                log.write(json.dumps(found) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
