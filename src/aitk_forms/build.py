"""Build the forms: every chosen form, language and format, written to OUT/<lang>/<file>."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .errors import UsageError
from .formats import CODECS, RenderOptions
from .model import Content


@dataclass(frozen=True)
class Job:
    lang: str
    format: str
    form: str | None  # None for a per-language output such as the printed pack
    path: Path


def plan(
    content: Content,
    out: Path,
    langs: Iterable[str] | None = None,
    forms: Iterable[str] | None = None,
    formats: Iterable[str] | None = None,
    allow_partial: bool = False,
) -> list[Job]:
    """The files a build will write; raises UsageError for an unknown or incomplete choice."""
    langs = list(langs) if langs else i18n.complete_languages(content)
    for lang in langs:
        if lang not in content.languages:
            raise UsageError(f"unknown language '{lang}' (known: {', '.join(content.languages)})")
        if not allow_partial and not i18n.is_complete(content, lang):
            raise UsageError(
                f"language '{lang}' is not completely translated: run 'aitk-forms i18n status', "
                "or build with --allow-partial to fall back to English, marked, for the missing texts"
            )
    known_forms = [f.id for f in content.forms]
    forms = list(forms) if forms else known_forms
    for form_id in forms:
        if form_id not in known_forms:
            raise UsageError(f"unknown form '{form_id}' (known: {', '.join(known_forms)})")
    formats = list(formats) if formats else CODECS.names()
    for name in formats:
        if name not in CODECS:
            raise UsageError(f"unknown format '{name}' (known: {', '.join(CODECS.names())})")
    for lang in langs:
        for name in formats:
            if CODECS[name].needs is not None:
                CODECS[name].needs(lang)  # fail before any work, naming the package to install
    jobs = []
    for lang in langs:
        for name in formats:
            codec = CODECS[name]
            targets = forms if codec.per == "form" else [None]
            jobs += [Job(lang, name, f, out / lang / codec.output_name(f or "")) for f in targets]
    return jobs


def run_job(content: Content, job: Job, options: RenderOptions | None = None) -> Path:
    """Write one output atomically: a crash leaves any earlier file in place."""
    job.path.parent.mkdir(parents=True, exist_ok=True)
    temp = job.path.with_name(f".{job.path.name}.{os.getpid()}.tmp")
    try:
        form = content.form(job.form) if job.form is not None else None
        CODECS[job.format].render(content, form, job.lang, temp, options or RenderOptions())
        os.replace(temp, job.path)
    finally:
        temp.unlink(missing_ok=True)
    return job.path


def build(
    content: Content,
    jobs: list[Job],
    progress: Callable[[Job], None] | None = None,
    options: RenderOptions | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Run the jobs, in parallel processes when there are several; a language missing
    translations (allowed by `plan`) gets the English text, visibly marked."""
    per_language = {
        lang: content if i18n.is_complete(content, lang) else i18n.with_marked_fallback(content, lang)
        for lang in {job.lang for job in jobs}
    }
    workers = workers if workers is not None else min(os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        written = []
        for job in jobs:
            written.append(run_job(per_language[job.lang], job, options))
            if progress:
                progress(job)
        return written
    # Slow jobs (printed packs, PDFs) first, so no worker is left with a long one at the end.
    order = sorted(range(len(jobs)), key=lambda i: SLOW_FIRST.get(jobs[i].format, 9))
    written_by_index: dict[int, Path] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(per_language, options)) as pool:
        futures = {pool.submit(_run_in_worker, jobs[i]): i for i in order}
        for future in as_completed(futures):
            written_by_index[futures[future]] = future.result()
            if progress:
                progress(jobs[futures[future]])
    return [written_by_index[i] for i in range(len(jobs))]


SLOW_FIRST = {"pack": 0, "pdf": 1, "docx": 2, "xlsx": 3}
_WORKER: dict = {}


def _init_worker(per_language: dict[str, Content], options: RenderOptions | None) -> None:
    _WORKER["content"], _WORKER["options"] = per_language, options


def _run_in_worker(job: Job) -> Path:
    return run_job(_WORKER["content"][job.lang], job, _WORKER["options"])
