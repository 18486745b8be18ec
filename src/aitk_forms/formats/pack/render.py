"""The printed pack: one PDF book per language for trainers, with every form laid out for writing by hand.

The book is HTML from Jinja2 templates (templates/pack/) set by WeasyPrint, whose Pango/HarfBuzz text
engine shapes Arabic and sets it right to left, and whose CSS paged media gives running headers, page
numbers and the table of contents' page references (target-counter).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pydyf
from babel import Locale
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ...errors import UsageError
from ...model import Content, Form, Group, Question, Section, Text, is_rtl
from ...outline import outline
from ...resources import template_folder
from ...typesetting.fonts import require_fonts
from ...typesetting.tagging import add_header_scopes
from ...typesetting.weasy import collector_paused, compress_streams, css_string, font_config, weasyprint
from ...wording import colon, condition_instruction
from ..codec import DEFAULT_OPTIONS, RenderOptions
from .guide import Guide, scoring_guide

PAPERS = {"a4": "A4", "letter": "letter"}
ANSWER_LINES = {"text": 1, "long_text": 5}
INLINE_CHOICES = frozenset({"scale", "yes_no"})  # short labels, set side by side to save paper
PRINCIPLES_FORM = "risk"  # its groups and sections are the core and instrumental principles


@dataclass(frozen=True)
class PackQuestion:
    """One question as printed: its number, texts and the shape of its answer space."""

    number: str
    question: Question
    label: str
    help: str | None
    go_to: str | None  # the instruction of a conditional question ("Answer only if ...")
    hint: str | None  # "Tick one answer.", "Tick all that apply." or a number's range
    choices: tuple[tuple[str, str | None], ...]  # (label, description)
    inline: bool
    lines: int


@dataclass(frozen=True)
class PackSection:
    anchor: str
    number: int
    title: str
    intro: str | None
    group: str | None  # the title of the group (core principle) this section opens, if any
    questions: tuple[PackQuestion, ...]


@dataclass(frozen=True)
class ScaleLegend:
    """The points of one answer scale with what each means, printed once before a form's questions."""

    points: tuple[tuple[str, str], ...]
    title: str | None = None


@dataclass(frozen=True)
class PackForm:
    anchor: str
    id: str
    version: str
    title: str
    description: str | None
    scales: tuple[ScaleLegend, ...]
    sections: tuple[PackSection, ...]
    results: tuple[str, ...]
    guide: Guide


@dataclass(frozen=True)
class Principle:
    """A core principle (a group of the risk form) and its instrumental principles (its sections)."""

    anchor: str
    title: str
    description: str | None
    instrumental: tuple[tuple[str, str | None], ...]  # (title, intro)


def render(content: Content, form: Form | None, lang: str, path: Path | str, options: RenderOptions = DEFAULT_OPTIONS) -> None:
    """Write the printed pack of every form in `lang` to `path` (one file per language: `form` is None)."""
    paper = options.paper
    if paper not in PAPERS:
        raise UsageError(f"unknown paper size '{paper}' (known: {', '.join(PAPERS)})")
    fonts = require_fonts(lang)
    html = pack_html(content, lang, paper, fonts)
    with collector_paused():
        document = weasyprint().HTML(string=html, base_url=str(template_folder("pack")))
        # hinting=True keeps the fonts' hints rather than stripping them: where libharfbuzz-subset is missing,
        # fontTools's hint removal alone took 3 of the 11 seconds of a Chinese pack.
        # Tagged PDF/UA-1 (the pack is read on screen too).
        document.write_pdf(str(path), hinting=True, pdf_variant="pdf/ua-1", font_config=font_config(), finisher=_finish)


def _finish(document: object, pdf: pydyf.PDF) -> None:
    add_header_scopes(pdf)
    compress_streams(document, pdf)


def pack_html(content: Content, lang: str, paper: str, fonts: tuple[str, ...]) -> str:
    """The whole book as one HTML document, ready for WeasyPrint."""
    ui = _ui(content, lang)
    forms = [_pack_form(content, form, lang, ui) for form in content.forms]
    rtl = is_rtl(lang)
    return (
        _environment()
        .get_template("pack.html.j2")
        .render(
            lang=lang,
            dir="rtl" if rtl else "ltr",
            start="right" if rtl else "left",
            end="left" if rtl else "right",
            paper=PAPERS[paper],
            font_list=", ".join(css_string(f) for f in fonts) + ", sans-serif",
            ui=ui,
            colon=colon(lang),
            language_name=Locale.parse(lang.replace("-", "_")).get_display_name(lang),
            content=content,
            source=content.source.get(lang),
            principles=_principles(content, lang),
            principles_form=PRINCIPLES_FORM,
            forms=forms,
        )
    )


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(template_folder("pack")),
        autoescape=lambda name: name is None or name.endswith(".html.j2"),  # the CSS template is not HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["paragraphs"] = paragraphs
    env.filters["css_string"] = css_string
    return env


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a text: parts separated by a blank line."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def _get(text: Text | None, lang: str) -> str | None:
    return text.get(lang) if text is not None else None


def _principles(content: Content, lang: str) -> tuple[Principle, ...]:
    form = content.form(PRINCIPLES_FORM)
    if form is None:
        return ()
    return tuple(_principle(form, group, lang) for group in form.groups)


def _principle(form: Form, group: Group, lang: str) -> Principle:
    members = tuple((s.title.get(lang), _get(s.intro, lang)) for s in form.sections if s.group == group.id)
    return Principle(f"principle-{group.id}", group.title.get(lang), _get(group.description, lang), members)


def _ui(content: Content, lang: str) -> Callable[[str], str]:
    """The content's fixed texts (ui.yaml) in `lang`."""
    return lambda key: content.text(key, lang)


def _pack_form(content: Content, form: Form, lang: str, ui: Callable[[str], str]) -> PackForm:
    shape = outline(form)
    sections = [_pack_section(content, form, part.section, part.number, part.opens, shape.numbers, lang) for part in shape.parts]
    return PackForm(
        anchor=f"form-{form.id}",
        id=form.id,
        version=form.version,
        title=form.title.get(lang),
        description=_get(form.description, lang),
        scales=_scale_legends(form, lang),
        sections=tuple(sections),
        results=tuple(r.label.get(lang) for r in form.results),
        guide=scoring_guide(form, lang, ui),
    )


def _pack_section(
    content: Content, form: Form, section: Section, index: int, opens: Group | None, numbers: dict[str, str], lang: str
) -> PackSection:
    questions = tuple(_pack_question(content, form, q, numbers, lang) for q in section.questions)
    return PackSection(
        anchor=f"section-{form.id}-{section.id}",
        number=index,
        title=section.title.get(lang),
        intro=_get(section.intro, lang),
        group=opens.title.get(lang) if opens else None,
        questions=questions,
    )


def _pack_question(content: Content, form: Form, q: Question, numbers: dict[str, str], lang: str) -> PackQuestion:
    return PackQuestion(
        number=numbers[q.id],
        question=q,
        label=q.label.get(lang),
        help=_get(q.help, lang),
        go_to=condition_instruction(content, form, q, lang, numbers),
        hint=_hint(content, q, lang),
        # A scale's descriptions are in the form's legend; other choices keep theirs beside them.
        choices=tuple((c.label.get(lang), None if q.kind == "scale" else _get(c.description, lang)) for c in q.choices),
        inline=q.kind in INLINE_CHOICES,
        lines=ANSWER_LINES.get(q.kind, 0),
    )


def _hint(content: Content, q: Question, lang: str) -> str | None:
    if q.kind == "multi_choice":
        return content.text("tick_all", lang)
    if q.kind == "single_choice":
        return content.text("tick_one", lang)
    if q.kind == "number" and (q.minimum is not None or q.maximum is not None):
        return f"{_plain(q.minimum)} – {_plain(q.maximum)}"
    return None


def _plain(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value)


def _scale_legends(form: Form, lang: str) -> tuple[ScaleLegend, ...]:
    """One legend per scale the form uses, in order of first use, for the points that have a description."""
    seen: dict[str, ScaleLegend] = {}
    for q in form.questions():
        if q.kind == "scale" and q.scale not in seen:
            points = tuple((c.label.get(lang), c.description.get(lang)) for c in q.choices if c.description)
            title = form.scale_title(q.scale)
            seen[q.scale or ""] = ScaleLegend(points, title.get(lang) if title else None)
    return tuple(legend for legend in seen.values() if legend.points)
