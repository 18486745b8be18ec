"""Varied, realistic answers for the demo and the benchmarks, reproducible from a seed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

from . import build as builder
from . import i18n
from .formats import CODECS, RenderOptions
from .model import Content, Form, Question
from .scoring import visible_questions

AGENCIES = (
    "Northern Regional Police", "Capital City Police Service", "National Border Guard", "Coastal Police District",
    "Metropolitan Investigation Bureau", "Highway Patrol Command", "Central Forensic Unit", "Southern Provincial Police",
)  # fmt: skip
UNITS = ("Innovation Unit", "Digital Forensics", "Criminal Intelligence", "Legal Affairs", "Procurement Office", "Data Office")
ROLES = ("Head of unit", "Project lead", "Legal adviser", "Data protection officer", "Analyst", "Deputy chief")
NAMES = ("A. Karimi", "M. Dubois", "L. García", "S. Ivanova", "Wang Li", "N. Okafor", "R. Haddad", "J. Smith")
USE_CASES = (
    "Licence plate recognition at border crossings", "Transcription of recorded interviews",
    "Triage of child sexual abuse material", "Translation of seized messages", "Forecasting of burglary hot spots",
    "Matching of faces in case files", "Detection of fraud in online shops", "Summaries of open-source reports",
)  # fmt: skip
SENTENCES = (
    "A written procedure was approved by the head of the unit in March.",
    "The supplier provided a test report; our analysts repeated the tests on local data.",
    "Staff who use the AI system completed a one-day course.",
    "The data protection officer reviewed the plan and asked for shorter retention.",
    "Decisions are logged in the case management system with the operator's name.",
    "No complaints have been received so far; a contact point is published on the website.",
    "Access is limited to named officers and every query is recorded.",
    "An external audit is planned for next year.",
)  # fmt: skip


def sample_answers(form: Form, seed: int, completeness: float = 0.9, variant: str = "") -> dict:
    """Answers to `form` as one respondent might give them; `completeness` is the share answered. The seed
    names the unit; `variant` (a round) changes the answers, so one unit answers differently in each round."""
    rng = random.Random(f"{form.id}:{seed}:{variant}" if variant else f"{form.id}:{seed}")
    tendency = rng.random()  # a respondent answers consistently high or low
    answers: dict = {}
    for q in form.questions():
        if q.id not in visible_questions(form, answers) or (not q.required and rng.random() > completeness):
            continue
        value = _answer(q, rng, seed, tendency)
        if value not in (None, [], ""):
            answers[q.id] = value
    return answers


def _answer(q: Question, rng: random.Random, seed: int, tendency: float) -> object:
    if q.kind == "multi_choice":
        share = 0.1 if q.not_applicable_for else 0.4  # few checklist items do not apply
        picked = [c.id for c in q.choices if rng.random() < share]
        if not picked and q.required:
            picked = [rng.choice(q.choices).id]
        if "none" in picked and len(picked) > 1:  # "None of these" stands alone
            picked.remove("none")
        return picked
    if q.has_choices:
        return _choice(q, rng, tendency)
    if q.kind == "date":
        return (dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(300))).isoformat()
    if q.kind == "number":
        low, high = q.minimum if q.minimum is not None else 0, q.maximum if q.maximum is not None else 500
        return rng.randint(int(low), int(min(high, low + 500)))
    return _text(q, rng, seed)


def _choice(q: Question, rng: random.Random, tendency: float) -> str:
    scored = [c for c in q.choices if c.value is not None]
    if scored and rng.random() < 0.06 and any(c.value is None for c in q.choices):
        return next(c.id for c in q.choices if c.value is None)
    if scored:
        # lean towards the respondent's tendency, with some spread
        position = min(len(scored) - 1, max(0, round(tendency * (len(scored) - 1) + rng.gauss(0, 1))))
        return scored[position].id
    return rng.choice([c.id for c in q.choices if c.id != "dont_know"] or [q.choices[0].id])


def _text(q: Question, rng: random.Random, seed: int) -> str:
    qid = q.id
    if "agency" in qid:
        return AGENCIES[seed % len(AGENCIES)]
    if "unit" in qid:
        return f"{UNITS[seed % len(UNITS)]} {seed // len(UNITS) + 1}"
    if "use_case" in qid or "system_name" in qid:
        # unique per seed, so that samples are not taken for duplicate returns
        name, cycle = USE_CASES[seed % len(USE_CASES)], seed // len(USE_CASES)
        return f"{name} (site {cycle + 1})" if cycle else name
    if "role" in qid:
        return rng.choice(ROLES)
    if qid.endswith(("respondent_name", "_responsible", "owner")):
        return f"{NAMES[seed % len(NAMES)]} ({seed})"
    if q.kind == "long_text":
        return " ".join(rng.sample(SENTENCES, 2))
    return rng.choice(SENTENCES)


def write_samples(
    content: Content,
    built: Path,
    out: Path,
    count: int,
    progress: Callable[[Path], None] | None = None,
    round_label: str | None = None,
) -> list[Path]:
    """`count` filled forms in `out`, cycling through forms, languages and fillable formats.

    Forms are taken from `built` (OUT/<lang>/<form>.<ext> of a build) and built there first where missing.
    """
    formats = [codec.name for codec in CODECS.fillable()]
    langs = [lang for lang in content.languages if i18n.is_complete(content, lang)]
    missing = [job for job in builder.plan(content, built, langs, None, formats) if not job.path.exists() or round_label]
    builder.build(content, missing, options=RenderOptions(round=round_label))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for seed in range(count):
        form = content.forms[seed % len(content.forms)]
        lang = langs[(seed // len(content.forms)) % len(langs)]
        name = formats[(seed + seed // len(content.forms)) % len(formats)]
        codec = CODECS[name]
        target = out / f"{seed + 1:05d}-{form.id}-{lang}{codec.suffix}"
        source = built / lang / codec.output_name(form.id)
        codec.fill(content, form, lang, source, target, sample_answers(form, seed, variant=round_label or ""))
        written.append(target)
        if progress:
            progress(target)
    return written
