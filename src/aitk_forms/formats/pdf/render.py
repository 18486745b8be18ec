"""The fillable PDF codec: an HTML form laid out by WeasyPrint (which shapes every script), whose
fields are then named by question id and given appearances (pdf_fields.py), and its reader."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ...identity import Identity
from ...model import Content, Form, Question, is_rtl
from ...outline import outline
from ...resources import template_folder
from ...typesetting.fonts import require_fonts
from ...typesetting.weasy import collector_paused, css_string, font_config, stylesheet, weasyprint
from ...wording import colon, condition_instruction, question_numbers
from ..codec import DEFAULT_OPTIONS, RenderOptions
from .field_font import field_font_css, field_font_of
from .fields import field_finisher, language_tag


def render(content: Content, form: Form, lang: str, path: Path | str, options: RenderOptions = DEFAULT_OPTIONS) -> None:
    """Write the fillable PDF of `form` in `lang` to `path`."""
    fonts = require_fonts(lang)
    html = _environment().get_template("form.html.j2").render(**_page(content, form, lang, fonts, options))
    # The fields are finished on WeasyPrint's PDF objects before they are written: no second parse of the file.
    identity = Identity.of(form, lang, content.name, options.round, options.unit)
    finisher = field_finisher(form, lang, identity, form.title.get(lang))
    with collector_paused():
        html_document = weasyprint().HTML(string=html, base_url=str(template_folder("pdf")))
        document = html_document.render(stylesheets=_stylesheets(lang), pdf_forms=True, font_config=font_config())
        document.write_pdf(str(path), pdf_forms=True, pdf_variant="pdf/ua-1", finisher=finisher)


_CACHE: dict = {}


def _environment() -> Environment:
    if "env" not in _CACHE:
        _CACHE["env"] = Environment(
            loader=FileSystemLoader(template_folder("pdf")), autoescape=select_autoescape(["j2", "html"], default_for_string=True)
        )
    return _CACHE["env"]


def _stylesheets(lang: str) -> list:
    sheets = [stylesheet(template_folder("pdf") / "form.css")]
    if _field_font_face(lang) is not None:
        sheets.append(_field_font_face(lang))
    return sheets


@cache
def _field_font_face(lang: str) -> object | None:
    """The @font-face of the language's own field font, parsed once per process (parsing registers
    the font file with fontconfig)."""
    css = field_font_css(lang)
    return weasyprint().CSS(string=css, font_config=font_config()) if css else None


def _field_families(lang: str, fonts: tuple[str, ...]) -> str:
    """The fonts of the text fields. WeasyPrint embeds a field's font whole so that typed text can use
    it: each script has a field font of its own (field_font.py), apart from the fonts of the page's text."""
    if _field_font_face(lang) is not None:
        return _families((field_font_of(lang).family,))
    return _families(tuple(f for f in fonts if "CJK" not in f))


def _page(content: Content, form: Form, lang: str, fonts: tuple[str, ...], options: RenderOptions = DEFAULT_OPTIONS) -> dict:
    text = lambda key: content.text(key, lang)  # noqa: E731 - a short local alias keeps the table readable
    numbers = question_numbers(form)
    # A scale's descriptions are printed at the first question that uses it; later ones show its labels in a row.
    first_use: dict[str, str] = {}
    for q in form.questions():
        first_use.setdefault(q.scale or "", q.id)
    described = {qid for scale, qid in first_use.items() if scale}
    intro = [(text("about_title"), form.description.get(lang))] if form.description else []
    intro += [(text("pathway_title"), text("pathway"))]
    intro += [(text("how_to_fill_title"), text("how_to_fill_pdf")), (text("return_title"), text("return_instruction"))]
    return {
        "lang": language_tag(lang),
        "rtl": is_rtl(lang),
        "fonts": _families(fonts),
        "field_fonts": _field_families(lang, fonts),
        "page_label": css_string(text("page_label")),  # as in the printed pack: "Page 2 / 7", "الصفحة 2 / 7"
        "title": form.title.get(lang),
        "facts": [
            (text("form_label"), form.title.get(lang)),
            (text("version_label"), form.version),
            (text("language_label"), language_name(lang)),
            *((text("round_label"), value) for value in [options.round] if value),
            *((text("unit_label"), value) for value in [options.unit] if value),
            (text("identifier_label"), f"{form.id} · {form.fingerprint}"),
        ],
        "intro": intro,
        "sections": [
            {
                "title": f"{part.number}. {part.section.title.get(lang)}",  # numbered as its questions (2.1, 2.2)
                "level": part.level,  # a core principle's parts are headings under it
                "group": part.opens.title.get(lang) if part.opens else "",
                "group_intro": part.opens.description.get(lang) if part.opens and part.opens.description else "",
                "intro": part.section.intro.get(lang) if part.section.intro else "",
                "questions": [_question(content, form, q, lang, numbers, q.id in described) for q in part.section.questions],
            }
            for part in outline(form).parts
        ],
        "source_title": text("source_note_title"),
        "source": content.source.get(lang),
    }


def _question(content: Content, form: Form, q: Question, lang: str, numbers: dict[str, str], describe: bool) -> dict:
    describe = describe or q.scale is None
    return {
        "id": q.id,
        "kind": q.kind,
        "number": numbers[q.id],
        "label": q.label.get(lang),
        "tooltip": tooltip(q, lang, numbers[q.id]),
        "required": content.text("required_mark", lang) if q.required else "",
        "help": q.help.get(lang) if q.help else "",
        "help_label": content.text("help_label", lang) + colon(lang).rstrip(),
        "condition": condition_instruction(content, form, q, lang, numbers) or "",
        "hint": _hint(content, q, lang),
        "choices": [
            {"id": c.id, "label": c.label.get(lang), "description": c.description.get(lang) if c.description and describe else ""}
            for c in q.choices
        ],
        "inline": not describe,
        "scale_title": _scale_title(form, q, lang) if describe else "",
    }


def _scale_title(form: Form, q: Question, lang: str) -> str:
    title = form.scale_title(q.scale)
    return title.get(lang) if title else ""


def _families(fonts: tuple[str, ...]) -> str:
    return ", ".join(f'"{f}"' for f in fonts) + ", sans-serif"


def tooltip(q: Question, lang: str, number: str) -> str:
    """What a screen reader announces for the question's field(s): its number and its wording."""
    return f"{number} {q.label.get(lang)}"


def _hint(content: Content, q: Question, lang: str) -> str:
    if q.kind == "multi_choice":
        return content.text("tick_all", lang)
    if q.has_choices:
        return content.text("tick_one", lang)
    if q.kind == "date":
        return f"{content.text('choose_date', lang)} ({content.text('date_format_hint', lang)})"
    if q.kind == "number":
        return content.text("type_number", lang)
    return ""


def language_name(lang: str) -> str:
    """The language's own name for itself, with its code."""
    try:
        return f"{Locale.parse(lang).get_display_name(lang)} ({lang})"
    except (UnknownLocaleError, ValueError):
        return lang
