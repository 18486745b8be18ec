"""The glossary is one termbase, and every translation uses its terms.

content/locales/glossary.csv has one row per English term: the columns en, fr, es, ar, ru, zh and match.
A cell holds the preferred rendering first, then the other accepted forms, separated by " | ": inflected
forms (plural, case, Arabic clitics) or stems, where "*" stands for any letters (Russian "систем* ИИ").
In the en cell the other forms are English variants that also count as the term ("senior leadership").
The match column is "text" (the term anywhere in a text, on word boundaries) or "whole" (the text is
the term itself: scale labels and Yes/No, which are ordinary words in running text).

A text may legitimately render a term differently (a pronoun, a rephrased sentence): such a case is
listed in content/locales/glossary-exceptions.csv (msgctxt, lang, term, reason).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "content" / "locales"
GLOSSARY = LOCALES / "glossary.csv"
EXCEPTIONS = LOCALES / "glossary-exceptions.csv"
LANGUAGES = ("fr", "es", "ar", "ru", "zh")
COLUMNS = ["en", *LANGUAGES, "match"]
SEPARATOR = " | "


@dataclass(frozen=True)
class Term:
    """One glossary row: the English term and its variants, and per language the accepted forms."""

    en: str
    variants: tuple[str, ...]
    forms: dict[str, tuple[str, ...]]
    whole: bool


def normalise(text: str) -> str:
    """Compare texts as a reader sees them: one apostrophe, one kind of space, no case, no vowel marks."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text).casefold().strip()


def split_cell(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(SEPARATOR.strip()) if part.strip())


@cache
def glossary_rows() -> tuple[dict[str, str], ...]:
    with open(GLOSSARY, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS, f"{GLOSSARY.name} must have the columns {COLUMNS}, not {reader.fieldnames}"
        return tuple(reader)


@cache
def glossary() -> tuple[Term, ...]:
    terms = []
    for row in glossary_rows():
        en = split_cell(row["en"])
        forms = {lang: split_cell(row[lang]) for lang in LANGUAGES}
        terms.append(Term(en[0], en, forms, row["match"] == "whole"))
    return tuple(terms)


@cache
def catalog(lang: str) -> dict[str, tuple[str, str]]:
    """msgctxt -> (English msgid, translation) for one language."""
    with open(LOCALES / lang / "LC_MESSAGES" / "aitk.po", "rb") as handle:
        return {m.context: (m.id, m.string) for m in read_po(handle, locale=lang) if m.id}


@cache
def exceptions() -> frozenset[tuple[str, str, str]]:
    with open(EXCEPTIONS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = [row for row in rows if not row["reason"].strip()]
    assert not missing, f"every exception in {EXCEPTIONS.name} needs a reason: {missing}"
    return frozenset((row["msgctxt"], row["lang"], row["term"]) for row in rows)


def form_pattern(form: str) -> re.Pattern[str]:
    return re.compile(r"\w*".join(re.escape(part) for part in normalise(form).split("*")))


@cache
def english_patterns() -> tuple[tuple[Term, re.Pattern[str]], ...]:
    """Longest variant first, so that "AI system" is found before "system" and claims its words."""
    pairs = [(term, variant) for term in glossary() for variant in term.variants]
    pairs.sort(key=lambda pair: len(pair[1]), reverse=True)
    return tuple((term, re.compile(r"(?<!\w)" + re.escape(normalise(v)) + r"(?:s|es)?(?!\w)")) for term, v in pairs)


def terms_in(english: str) -> list[Term]:
    """The glossary terms an English text uses; a span claimed by a longer term is not searched again."""
    text = normalise(english)
    found: list[Term] = []
    claimed: list[tuple[int, int]] = []
    for term, pattern in english_patterns():
        if term.whole:
            if any(text == normalise(v) for v in term.variants) and term not in found:
                found.append(term)
            continue
        for match in pattern.finditer(text):
            if not any(start < match.end() and match.start() < end for start, end in claimed):
                claimed.append(match.span())
                if term not in found:
                    found.append(term)
    return found


def accepted_forms(term: Term, lang: str) -> tuple[str, ...]:
    """The glossary's forms, plus the Arabic article merged with the preposition li: "الجمهور" -> "للجمهور"."""
    forms = term.forms[lang]
    if lang == "ar":
        forms += tuple("لل" + form[2:] for form in forms if form.startswith("ال"))
    return forms


def uses_term(translation: str, term: Term, lang: str) -> bool:
    text = normalise(translation)
    if term.whole:
        return any(text == normalise(form) for form in term.forms[lang])
    return any(form_pattern(form).search(text) for form in accepted_forms(term, lang))


def violations(lang: str) -> list[str]:
    found = []
    for context, (english, translation) in catalog(lang).items():
        for term in terms_in(english):
            if (context, lang, term.en) not in exceptions() and not uses_term(translation, term, lang):
                expected = " | ".join(term.forms[lang])
                found.append(f"{context} [{lang}] term {term.en!r}: expected {expected!r}, found {translation!r}")
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_uses_the_glossary_terms_of_its_english_text(lang):
    found = violations(lang)
    assert not found, f"{len(found)} texts do not use the glossary term (fix the PO entry, add an accepted form, " + (
        "or list an exception with a reason):\n" + "\n".join(found)
    )


def test_every_glossary_cell_is_filled_and_match_is_known():
    blank = [(row["en"], column) for row in glossary_rows() for column in COLUMNS if not split_cell(row[column])]
    assert not blank, f"blank glossary cells (term, column): {blank}"
    unknown = [row["en"] for row in glossary_rows() if row["match"] not in ("text", "whole")]
    assert not unknown, f"match must be 'text' or 'whole' for: {unknown}"


def english_key(term: str) -> str:
    """A term less its article, its plural and its case and punctuation, to find near-duplicates."""
    words = re.sub(r"[^\w\s]", "", normalise(term)).split()
    words = [w for w in words if w not in ("the", "a", "an")]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def test_no_english_term_is_listed_twice_or_as_a_near_duplicate():
    seen: dict[str, str] = {}
    clashes = []
    for term in glossary():
        for variant in term.variants:
            key = english_key(variant)
            if key in seen and seen[key] != term.en:
                clashes.append((variant, seen[key]))
            seen.setdefault(key, term.en)
    assert not clashes, f"near-duplicate English terms (merge them into one row): {clashes}"
    firsts = [term.en for term in glossary()]
    assert len(firsts) == len(set(firsts)), "duplicate English terms"


def test_arabic_glossary_terms_carry_no_vowel_marks():
    marked = [f for term in glossary() for f in term.forms["ar"] if any(unicodedata.category(ch) == "Mn" for ch in f)]
    assert not marked, f"Arabic is written without vowel marks: {marked}"


def test_every_exception_names_a_real_entry_language_and_term():
    terms = {term.en: term for term in glossary()}
    stale = []
    for context, lang, name in exceptions():
        entry = catalog(lang).get(context) if lang in LANGUAGES else None
        if entry is None or name not in terms or terms[name] not in terms_in(entry[0]):
            stale.append((context, lang, name))
    assert not stale, f"exceptions for an entry, language or term that no longer applies: {sorted(stale)}"


def test_the_term_finder_prefers_the_longest_term_and_ignores_words_inside_words():
    names = [t.en for t in terms_in("Each AI system in the register of AI systems")]
    assert "AI system" in names and "register of AI systems" in names
    assert "agency" not in [t.en for t in terms_in("agencyless text")]


def test_near_duplicates_are_recognised_through_plural_article_and_punctuation():
    assert english_key("logs") == english_key("log")
    assert english_key("the agency") == english_key("agency")
    assert english_key("senior leader(s)") == english_key("senior leader")
    assert english_key("Evidence:") == english_key("evidence")
    assert english_key("AI system") != english_key("register of AI systems")
