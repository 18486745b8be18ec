"""`make bench`: build, import and store timings, printed as a table with the machine described.

Figures are wall-clock seconds on this machine; each is the median of a few runs where cheap.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aitk_forms import build as builder
from aitk_forms import i18n
from aitk_forms.formats import CODECS
from aitk_forms.load import load_content
from benchmarks.pdf_bench import report_field_fonts, report_profile, report_versus_office
from benchmarks.store import report_store

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def per_form_times(content, out: Path, langs: list[str]) -> dict[tuple[str, str, str], float]:
    """Median render time of each form in each format and language."""
    times = {}
    formats = [c.name for c in CODECS if c.per == "form"]
    for lang in langs:
        for job in builder.plan(content, out, [lang], None, formats):
            runs = [timed(lambda j=job: builder.run_job(content, j)) for _ in range(REPEATS)]
            times[(job.format, job.form, lang)] = statistics.median(runs)
    return times


def main() -> int:
    content = load_content(ROOT / "content")
    langs = i18n.complete_languages(content)
    print(f"Machine: {machine()}")
    print(f"Languages: {', '.join(langs)}\n")
    bench_langs = ["en", "ar", "zh"] if {"ar", "zh"} <= set(langs) else langs[:1]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        times = per_form_times(content, out, bench_langs)
        print(f"{'format':<6} {'form':<10} {'lang':<4} {'seconds':>8}")
        for (fmt, form, lang), seconds in sorted(times.items()):
            print(f"{fmt:<6} {form:<10} {lang:<4} {seconds:>8.3f}")
        jobs = builder.plan(content, out / "all", langs)
        whole = timed(lambda: builder.build(content, jobs, workers=os.cpu_count()))
        print(
            f"\nWhole pack: {len(jobs)} files ({len(langs)} languages, formats {', '.join(CODECS.names())}) "
            f"in {whole:.2f} s with {os.cpu_count()} processes"
        )
        report_versus_office(times, out)
    report_profile(content, sorted({form for _, form, _ in times}), bench_langs)
    report_field_fonts()
    try:
        from benchmarks.imports import report_import
    except ImportError:
        print("\nImport benchmark: not available (needs the sample generator)")
    else:
        report_import(content)
    report_store(content)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nPeak memory: this process {peak:.0f} MB, largest child process {children:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
