"""The fillable PDF against what a user would do instead: `soffice --headless --convert-to pdf` of our own
.docx, form by form in en, ar and zh, in the same run; where our render time goes; the field fonts' sizes.

The goal (issue 17) is a render at least 3 times faster than that conversion, tagging on (PDF/UA-1).
"""

from __future__ import annotations

import importlib
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from aitk_forms.formats import pdf
from aitk_forms.formats.pdf.field_font import FONTS, field_font_file
from aitk_forms.typesetting.weasy import weasyprint

GOAL = 3.0
# The module, not the function of the same name that the package exports.
pdf_render = importlib.import_module("aitk_forms.formats.pdf.render")
PHASES = ("template", "layout", "drawing", "tags", "fonts", "fields")


def soffice_times(docx_files: list[Path], repeats: int = 1) -> dict[Path, float] | None:
    """Seconds of `soffice --headless --convert-to pdf` for each file, with a warm profile, or None without soffice."""
    soffice = shutil.which("soffice")
    if not soffice or not docx_files:
        return None
    times = {}
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as out:
        base = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", out]
        subprocess.run([*base, str(docx_files[0])], capture_output=True, check=False)  # the first run creates the profile
        for docx in docx_files:
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                subprocess.run([*base, str(docx)], capture_output=True, check=False)
                runs.append(time.perf_counter() - start)
            if (Path(out) / f"{docx.stem}.pdf").exists():
                times[docx] = statistics.median(runs)
    return times


def report_versus_office(times: dict[tuple[str, str, str], float], out: Path) -> None:
    """Print ours against soffice for every form and language rendered as both .pdf and .docx in `out`."""
    pairs = sorted((form, lang) for fmt, form, lang in times if fmt == "pdf" and ("docx", form, lang) in times)
    office = soffice_times([out / lang / f"{form}.docx" for form, lang in pairs], repeats=2)
    if office is None:
        print("\nFillable PDF vs soffice: soffice is not installed (Debian: libreoffice-writer-nogui)")
        return
    print(f"\nFillable PDF (tagged, PDF/UA-1) vs soffice --headless --convert-to pdf of our .docx; goal {GOAL:.0f}x faster")
    print(f"{'form':<10} {'lang':<4} {'ours':>7} {'soffice':>8} {'ratio':>6}  goal")
    ratios = []
    for form, lang in pairs:
        ours, theirs = times[("pdf", form, lang)], office.get(out / lang / f"{form}.docx")
        if theirs is None:
            print(f"{form:<10} {lang:<4} {ours:>7.2f}  soffice failed to convert")
            continue
        ratios.append(theirs / ours)
        verdict = "met" if ratios[-1] >= GOAL else "missed"
        print(f"{form:<10} {lang:<4} {ours:>7.2f} {theirs:>8.2f} {ratios[-1]:>5.1f}x  {verdict}")
    if ratios:
        missed = sum(ratio < GOAL for ratio in ratios)
        verdict = "met for every form" if not missed else f"missed for {missed} of {len(ratios)} forms"
        print(f"Ratio {min(ratios):.1f}x to {max(ratios):.1f}x: the {GOAL:.0f}x goal is {verdict}")


@contextmanager
def _phase_clock(spent: dict[str, float]):
    """Time WeasyPrint's stages of one render by wrapping them for the duration (restored afterwards)."""
    wp = weasyprint()
    from weasyprint import pdf as wp_pdf

    originals = {
        "render": wp.HTML.render,
        "write": wp.Document.write_pdf,
        "fonts": wp_pdf.build_fonts_dictionary,
        "tags": wp_pdf.add_tags,
        "finisher": pdf_render.field_finisher,
    }

    def clocked(name, function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        return run

    wp.HTML.render = clocked("layout", originals["render"])
    wp.Document.write_pdf = clocked("write", originals["write"])
    wp_pdf.build_fonts_dictionary = clocked("fonts", originals["fonts"])
    wp_pdf.add_tags = clocked("tags", originals["tags"])
    pdf_render.field_finisher = lambda *a, **k: clocked("fields", originals["finisher"](*a, **k))
    try:
        yield
    finally:
        wp.HTML.render, wp.Document.write_pdf = originals["render"], originals["write"]
        wp_pdf.build_fonts_dictionary, wp_pdf.add_tags = originals["fonts"], originals["tags"]
        pdf_render.field_finisher = originals["finisher"]


def profile(content, form_id: str, lang: str, folder: Path) -> dict[str, float]:
    """Seconds per phase of one fillable PDF render (after a warm-up render of the same form)."""
    form = content.form(form_id)
    pdf.render(content, form, lang, folder / "warm.pdf")
    spent: dict[str, float] = defaultdict(float)
    with _phase_clock(spent):
        start = time.perf_counter()
        pdf.render(content, form, lang, folder / "profiled.pdf")
        total = time.perf_counter() - start
    phases = {
        "template": total - spent["layout"] - spent["write"],  # the page's HTML, parsed by WeasyPrint
        "layout": spent["layout"],  # style cascade, line breaking and shaping, pagination
        "drawing": spent["write"] - spent["fonts"] - spent["tags"] - spent["fields"],  # pages painted and written
        "tags": spent["tags"],
        "fonts": spent["fonts"],  # subsetting and embedding
        "fields": spent["fields"],  # our finisher: names, tooltips, appearances
    }
    return {**phases, "total": total}


def report_profile(content, forms: list[str], langs: list[str]) -> None:
    print(f"\nWhere a fillable PDF's time goes (seconds, share of the render)\n{'form':<10} {'lang':<4} {'total':>6}", end="")
    print("".join(f" {phase:>14}" for phase in PHASES))
    with tempfile.TemporaryDirectory() as tmp:
        for form_id in forms:
            for lang in langs:
                spent = profile(content, form_id, lang, Path(tmp))
                cells = "".join(f" {spent[p]:>6.2f} ({spent[p] / spent['total']:>3.0%})" for p in PHASES)
                print(f"{form_id:<10} {lang:<4} {spent['total']:>6.2f}{cells}")


def report_field_fonts() -> None:
    sizes = []
    for key, font in FONTS.items():
        path = field_font_file(key)
        sizes.append(f"{font.family} {path.stat().st_size / 1024:,.0f} KiB" if path else f"{font.family}: not made")
    print("\nField fonts (embedded whole in each form of their script): " + "; ".join(sizes))
