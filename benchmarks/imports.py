"""The import benchmark: N sample returns imported and reported, against the floor of merely
unzipping and parsing their XML. N is 1,000, or BENCH_IMPORT_COUNTS (comma-separated, e.g. 1000,10000)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

from aitk_forms.model import Content
from aitk_forms.sample import write_samples

ROOT = Path(__file__).resolve().parent.parent


def floor_seconds(files: list[Path]) -> float:
    """Unzip every part of each Office file and parse its XML with lxml; read each PDF's bytes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    start = time.perf_counter()
    for path in files:
        if path.suffix == ".pdf":
            path.read_bytes()
            continue
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    etree.fromstring(archive.read(name), parser)
    return time.perf_counter() - start


def timed_import(folder: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MB, its largest process) of `aitk-forms import` in a fresh process."""
    command = [str(Path(sys.executable).with_name("aitk-forms")), "import", str(folder), "--out", str(out), "--store", "none"]
    command += ["--content", str(ROOT / "content")]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(process.pid, 0)  # this import's own figures, not other children's (soffice)
    seconds = time.perf_counter() - start
    process.returncode = 0  # reaped above
    return seconds, usage.ru_maxrss / 1024


def report_import(content: Content) -> None:
    counts = [int(n) for n in os.environ.get("BENCH_IMPORT_COUNTS", "1000").split(",") if n.strip()]
    print(f"\n{'files':>6} {'make samples':>13} {'import+reports':>15} {'floor':>7} {'ratio':>6} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / "build"
        for count in counts:
            folder = Path(tmp) / f"samples-{count}"
            start = time.perf_counter()
            files = write_samples(content, built, folder, count)
            making = time.perf_counter() - start
            seconds, peak = timed_import(folder, Path(tmp) / f"report-{count}")
            floor = floor_seconds(files)
            print(f"{count:>6} {making:>12.1f}s {seconds:>14.2f}s {floor:>6.2f}s {seconds / floor:>5.1f}x {peak:>8.0f}")
