"""Peak memory of `aitk-forms report` as the store grows: one round of 1,000 and of 10,000 scored returns of the
real content (benchmarks/store.py's `scored_return`), each report in a fresh process, so its peak RSS is its own.
With --import: peak memory of `aitk-forms import` of 1,000 sample returns (xlsx, docx, pdf, from `write_samples`)
into a fresh SQLite store, and of 10,000 (those 1,000 copied ten times: 9,000 duplicates), reports included.

`python -m benchmarks.report_memory [COUNT ...] [--import] [--keep DIR]` prints one JSON line per count and writes
them to benchmarks/output/report_memory.jsonl. Set PYTHONPATH to a copy of src/ to measure another version of the
code against the same stores and returns (kept in DIR with --keep, and reused when they are there).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
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


def returns(folder: Path, count: int) -> Path:
    """A folder of `count` returns: 1,000 sample files at most, copied over again for more (kept when there)."""
    from aitk_forms.load import load_content
    from aitk_forms.sample import write_samples

    made, target = folder / "samples-1000", folder / f"samples-{count}"
    if not made.exists():
        write_samples(load_content(ROOT / "content"), folder / "build", made, 1000)
    if count > 1000 and not target.exists():
        for copy in range(count // 1000):
            shutil.copytree(made, target / f"copy-{copy}")
    return target


def measure_import(count: int, folder: Path) -> dict:
    """`aitk-forms import` of `count` returns into a fresh SQLite store, in a fresh process: its peak RSS (its largest
    process: the importer or one of its reading workers)."""
    store = folder / f"import-{count}.db"
    for stale in folder.glob(f"{store.name}*"):
        stale.unlink()
    command = [str(Path(sys.executable).with_name("aitk-forms")), "import", str(returns(folder, count)), "--store", str(store)]
    command += ["--out", str(folder / f"import-out-{count}"), "--content", str(ROOT / "content")]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped above; exit status 1 only says some sample was rejected
    seconds = time.perf_counter() - started
    code = os.environ.get("PYTHONPATH") or "src"
    return {"import": count, "code": code, "import_seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def main(arguments: list[str]) -> None:
    keep = arguments[arguments.index("--keep") + 1] if "--keep" in arguments else None
    counts = [int(a) for a in arguments if a.isdigit()] or [1000, 10000]
    with tempfile.TemporaryDirectory(prefix="aitk-bench-report-") as tmp:
        folder = Path(keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        OUTPUT.parent.mkdir(parents=True, exist_ok=True)
        for count in counts:
            found = measure_import(count, folder) if "--import" in arguments else measure(count, folder)
            print(json.dumps(found), flush=True)
            with OUTPUT.open("a") as log:
                log.write(json.dumps(found) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
