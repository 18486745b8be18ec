"""Synthetic returns for the store tests, and a separate process that adds them to a store (run as a script
by the concurrency and crash tests: `python tests/store_worker.py STORE FIRST STOP SEED [--go F] [--pause S] [--units N]`).

Return i belongs to one of 2 forms x 2 rounds x 25 units (or fewer), its unit spelled one of three ways, so
several returns compete in each (form, round, unit) under the duplicate rule."""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from pathlib import Path

from aitk_forms.store import FileRecord, ResponseRecord, open_store

SPELLINGS = ("Unit {n}", "unit  {n}", "UNIT {n}")


def synthetic(i: int, units: int = 25) -> tuple[FileRecord, ResponseRecord]:
    sha256 = hashlib.sha256(f"synthetic return {i}".encode()).hexdigest()
    n = (i // 4) % units
    file = FileRecord(sha256, f"returns/{i:05d}.xlsx", 1000 + i, "2026-05-01T08:00:00Z", "accepted", None, "xlsx")
    answers = {"q_choice": str(i % 5), "q_many": ["a", "b", "c"][: 1 + i % 3], "q_text": f"note {i}", "q_number": i % 7}
    response = ResponseRecord(
        content="aitk",
        form=("readiness", "risk")[i % 2],
        version="1.1",
        lang="en",
        round=("2025", "2026")[(i // 2) % 2],
        unit=SPELLINGS[i % 3].format(n=n),
        answers=answers,
        scores={"overall": (i % 9) / 2},
        levels={"overall": ("low", "medium", "high")[i % 3]},
        provisional={"privacy": {"answered": i % 2, "needed": 2}},
        # Chosen so that each of the rule's three criteria decides some groups.
        saved_at=f"2026-04-0{2 if i % 4 == 0 or i % 9 == 0 else 1}T10:00:00Z",
        answered=len(answers) + (1 if i % 7 == 0 else 0),
    )
    return file, response


def order(first: int, stop: int, seed: int) -> list[int]:
    """The order a worker adds its returns in: shuffled by `seed`, or ascending for seed 0."""
    numbers = list(range(first, stop))
    if seed:
        random.Random(seed).shuffle(numbers)
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("first", type=int)
    parser.add_argument("stop", type=int)
    parser.add_argument("seed", type=int)
    parser.add_argument("--go", type=Path, help="wait for this file to appear before adding")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between adds, as reading a file would take")
    parser.add_argument("--units", type=int, default=25, help="how many units the returns are spread over")
    args = parser.parse_args()
    store = open_store(args.store)
    print("ready", flush=True)
    while args.go and not args.go.exists():
        time.sleep(0.002)
    for i in order(args.first, args.stop, args.seed):
        status = store.add(*synthetic(i, args.units))
        # Printed once the file's transaction has committed: the tests rely on it.
        print(i, status, flush=True)
        time.sleep(args.pause)
    store.close()


if __name__ == "__main__":
    main()
