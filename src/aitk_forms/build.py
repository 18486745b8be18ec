"""Build the forms: every chosen form, language and format, written to OUT/<lang>/<file>."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import i18n
from .errors import UsageError
from .formats import FORMATS, FormatInfo
from .model import Content


@dataclass(frozen=True)
class Job:
    lang: str
    format: str
    form: str | None  # None for a per-language output such as the printed pack
    path: Path


def available_formats() -> list[str]:
    """The registered formats whose codec is present in this build."""
    names = []
    for info in FORMATS.values():
        try:
            info.codec()
        except ModuleNotFoundError:
            continue
        names.append(info.name)
    return names


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
    present = available_formats()
    formats = list(formats) if formats else present
    for name in formats:
        if name not in FORMATS:
            raise UsageError(f"unknown format '{name}' (known: {', '.join(FORMATS)})")
        if name not in present:
            raise UsageError(f"format '{name}' is not available in this version of aitk-forms")
    jobs = []
    for lang in langs:
        for name in formats:
            info = FORMATS[name]
            targets = forms if info.per == "form" else [None]
            jobs += [Job(lang, name, f, out / lang / info.output_name(f or "")) for f in targets]
    return jobs


def run_job(content: Content, job: Job, options: dict | None = None) -> Path:
    """Write one output atomically: a crash leaves any earlier file in place."""
    info: FormatInfo = FORMATS[job.format]
    job.path.parent.mkdir(parents=True, exist_ok=True)
    temp = job.path.with_name(f".{job.path.name}.{os.getpid()}.tmp")
    try:
        codec = info.codec()
        if job.form is None:
            codec.render(content, job.lang, temp, **(options or {}))
        else:
            codec.render(content, content.form(job.form), job.lang, temp)
        os.replace(temp, job.path)
    finally:
        temp.unlink(missing_ok=True)
    return job.path


def build(
    content: Content, jobs: list[Job], progress: Callable[[Job], None] | None = None, options: dict | None = None
) -> list[Path]:
    """Run the jobs; a language missing translations (allowed by plan) gets English, marked."""
    written = []
    per_language: dict[str, Content] = {}
    for job in jobs:
        if job.lang not in per_language:
            complete = i18n.is_complete(content, job.lang)
            per_language[job.lang] = content if complete else i18n.with_marked_fallback(content, job.lang)
        written.append(run_job(per_language[job.lang], job, options))
        if progress:
            progress(job)
    return written
