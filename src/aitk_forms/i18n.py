"""Translations through gettext PO files: reading them, extracting the template, merging, coverage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .errors import Diagnostic

if TYPE_CHECKING:
    from .model import Content, Text

DOMAIN = "aitk"
REVIEW_NOTE = "This translation awaits review by a native speaker working in the field."


def locales_dir(root: Path) -> Path:
    return Path(root) / "locales"


def po_path(root: Path, lang: str) -> Path:
    return locales_dir(root) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(root: Path) -> list[str]:
    base = locales_dir(root)
    return sorted(p.parent.parent.name for p in base.glob(f"*/LC_MESSAGES/{DOMAIN}.po")) if base.is_dir() else []


def read_catalog(path: Path, lang: str | None = None) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang, abort_invalid=True)


def read_translations(root: Path, problems: list[Diagnostic]) -> dict[str, dict[str, tuple[str, str]]]:
    """For each language: context -> (English source, translation), reviewed (not fuzzy) entries only."""
    found: dict[str, dict[str, tuple[str, str]]] = {}
    for lang in catalog_languages(root):
        path = po_path(root, lang)
        try:
            catalog = read_catalog(path, lang)
        except Exception as error:  # babel raises several types for a broken PO file
            problems.append(Diagnostic(str(path), getattr(error, "lineno", 0), f"not a valid PO file: {error}"))
            continue
        found[lang] = {
            m.context: (m.id, m.string)
            for m in catalog
            if m.id and m.context and m.string and not m.fuzzy and isinstance(m.string, str)
        }
    return found


def content_texts(content: Content) -> Iterator[tuple[str, Text]]:
    """Every text with the name of where it appears (a form id, or 'ui'), each path once."""
    seen: set[str] = set()
    for text in content.ui_texts():
        if text.path not in seen:
            seen.add(text.path)
            yield "ui", text
    for form in content.forms:
        for text in form.texts():
            if text.path not in seen:
                seen.add(text.path)
                yield form.id, text


def template(content: Content) -> Catalog:
    catalog = Catalog(project=content.name, version=content.version, fuzzy=False)
    for where, text in content_texts(content):
        place = "the fixed texts of every output" if where == "ui" else f"the {where} form"
        catalog.add(text.source, context=text.path, auto_comments=[f"Appears in {place}: {text.path}"])
    return catalog


def extract(content: Content) -> Path:
    """Write `locales/aitk.pot` from the English source; return its path."""
    path = locales_dir(Path(content.root)) / f"{DOMAIN}.pot"
    _write_atomic(path, template(content))
    return path


def update(content: Content, languages: list[str] | None = None) -> list[Path]:
    """Merge the template into each language's PO file, by context; changed sources become fuzzy."""
    pot = template(content)
    written = []
    for lang in languages or [x for x in content.languages if x != "en"]:
        path = po_path(Path(content.root), lang)
        old = read_catalog(path, lang) if path.exists() else None
        _write_atomic(path, _merge(pot, old, lang))
        written.append(path)
    return written


def _merge(pot: Catalog, old: Catalog | None, lang: str) -> Catalog:
    previous = {m.context: m for m in old if m.id and m.context} if old is not None else {}
    catalog = Catalog(locale=lang, project=pot.project, version=pot.version, fuzzy=False)
    if old is not None:
        catalog.last_translator = old.last_translator
        catalog.language_team = old.language_team
    catalog.header_comment = f"# {pot.project} translations ({lang}).\n# {REVIEW_NOTE}\n#"
    for message in pot:
        if not message.id:
            continue
        was = previous.get(message.context)
        string, flags, previous_id = "", set(), ()
        if was is not None and was.string:
            string = was.string
            flags = set(was.flags) & {"fuzzy"}
            if was.id != message.id:
                flags.add("fuzzy")
                previous_id = was.id
        catalog.add(
            message.id,
            string,
            context=message.context,
            auto_comments=message.auto_comments,
            user_comments=_translator_comments(was),
            flags=flags,
            previous_id=previous_id,
        )
    return catalog


def _translator_comments(was) -> list[str]:
    """A translator's own comments, less Babel's misreading of a wrapped `#| msgid` (the previous source)."""
    return [c for c in (was.user_comments if was is not None else ()) if not c.startswith("| ")]


@dataclass(frozen=True)
class Coverage:
    lang: str
    form: str
    total: int
    translated: int
    fuzzy: int

    @property
    def missing(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def coverage(content: Content, lang: str) -> list[Coverage]:
    """Translated, fuzzy and missing texts per form (and the fixed texts, as 'ui') for `lang`."""
    path = po_path(Path(content.root), lang)
    fuzzy = {m.context for m in read_catalog(path, lang) if m.fuzzy and m.string} if path.exists() else set()
    counts: dict[str, list[int]] = {}
    for where, text in content_texts(content):
        row = counts.setdefault(where, [0, 0, 0])
        row[0] += 1
        if lang == "en" or text.translation(lang) is not None:
            row[1] += 1
        elif text.path in fuzzy:
            row[2] += 1
    return [Coverage(lang, where, *row) for where, row in counts.items()]


def is_complete(content: Content, lang: str) -> bool:
    return all(c.translated == c.total for c in coverage(content, lang))


def complete_languages(content: Content) -> list[str]:
    return [lang for lang in content.languages if is_complete(content, lang)]


def _write_atomic(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.revision_date = catalog.creation_date = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write_po(out, catalog, width=0, include_previous=False, no_location=True)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


FALLBACK_MARK = "[EN] "


def with_marked_fallback(content: Content, lang: str) -> Content:
    """A copy of `content` where each text missing in `lang` is the English, visibly marked."""
    from .model import Text

    def mark(value: object) -> object:
        if isinstance(value, Text):
            if value.translation(lang) is None:
                return value.with_translation(lang, FALLBACK_MARK + value.source)
            return value
        if isinstance(value, tuple):
            return tuple(mark(v) for v in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: mark(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return dataclasses.replace(value, **changes)
        return value

    return mark(content)
