"""The fonts of the fillable form's text fields: one per script, cut from the Noto fonts and kept in the
user's cache folder, so that a viewer can draw whatever a respondent types in any language.

WeasyPrint embeds a field's font whole, with a ToUnicode map taken from the font's cmap. Each field font
is therefore its own family, never the font of the page's text: the page's fonts stay subsets whose
every drawn glyph maps to its text (PDF/UA-1 7.21.7), and the field font holds only characters:
- Latin forms (en, fr, es, ru, ...): Noto Sans cut to Latin, Greek, Cyrillic and punctuation.
- Arabic: Noto Naskh Arabic (its joining forms kept) with the Latin letters, digits and "- / ( ) @" it
  lacks taken from Noto Sans, so typed dates and e-mail addresses keep their hyphens and at signs.
- Chinese: Noto Sans CJK SC cut to GB 2312 (6,763 hanzi and its symbols) plus the Latin set: the whole
  CJK font is 16 MB (field_font_build.py).
A font is made once per machine, in under a second (Chinese: about 5 seconds), under its sources' hash."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .field_font_build import write_field_font

CJK_PUNCTUATION = (range(0x3000, 0x3040), range(0xFF00, 0xFFF0))
# What respondents type in the Latin, Greek and Cyrillic scripts, with general punctuation and currency signs.
LATIN = (range(0x20, 0x7F), range(0xA0, 0x250), range(0x370, 0x530), range(0x2000, 0x2070), range(0x20A0, 0x20C0))
# Arabic, its supplements and presentation forms; U+FEFF (a byte-order mark) is no character anyone types.
ARABIC = (range(0x600, 0x700), range(0x750, 0x780), range(0x8A0, 0x900), range(0xFB50, 0xFE00), range(0xFE70, 0xFEFF))
LATIN_SOURCE = "Noto Sans"


@dataclass(frozen=True)
class FieldFont:
    """One field font: the family name the fields ask for, the family it is cut from, and its code points."""

    key: str
    family: str
    source: str
    blocks: tuple[range, ...]
    version: str  # part of the cache key: change it when the font's contents change

    def characters(self) -> set[int]:
        chars = {c for block in self.blocks for c in block}
        if self.key == "cjk":
            chars |= gb2312()
        return chars


FONTS = {
    "latin": FieldFont("latin", "Noto Sans Form Fields", LATIN_SOURCE, LATIN, "2"),
    "arabic": FieldFont("arabic", "Noto Naskh Arabic Form Fields", "Noto Naskh Arabic", ARABIC + LATIN, "2"),
    "cjk": FieldFont("cjk", "Noto Sans CJK SC Form Fields", "Noto Sans CJK SC", LATIN + CJK_PUNCTUATION, "3"),
}
SCRIPTS = {"ar": "arabic", "zh": "cjk"}


def field_font_of(lang: str) -> FieldFont:
    """The field font of `lang`: its script's, else the Latin one (which covers Cyrillic and Greek too)."""
    return FONTS[SCRIPTS.get(lang.split("-")[0], "latin")]


def field_font_css(lang: str) -> str | None:
    """An @font-face rule naming the field font of `lang`, or None when it cannot be made (its source font
    is not installed, or there is no writable cache folder: the fields then keep the page's fonts)."""
    font = field_font_of(lang)
    path = field_font_file(font.key)
    if path is None:
        return None
    return f'@font-face {{ font-family: "{font.family}"; src: url("{path.as_uri()}"); }}'


@cache
def field_font_file(key: str) -> Path | None:
    """The cached field font file of `key` ("latin", "arabic", "cjk"), made on first use."""
    font = FONTS[key]
    source = source_font(font.source)
    if source is None:
        return None
    latin = source_font(LATIN_SOURCE)
    digest = hashlib.sha256()
    for font_file, index in filter(None, (source, latin)):  # the Latin font gives the glyphs the source lacks
        digest.update(font_file.read_bytes() + str(index).encode())
    suffix = ".otf" if key == "cjk" else ".ttf"
    target = cache_folder() / f"{font.family.lower().replace(' ', '-')}-{digest.hexdigest()[:16]}-v{font.version}{suffix}"
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A build's workers (or pytest-xdist's) may all want it at once: one makes it, the others wait.
            with open(target.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not target.exists():
                    cff, layout = key == "cjk", key == "arabic"
                    write_field_font(font.family, font.characters(), source, latin, target, cff=cff, layout=layout)
        except OSError:
            return None
    return target


def cache_folder() -> Path:
    """The per-user cache folder of aitk-forms ($XDG_CACHE_HOME/aitk-forms or ~/.cache/aitk-forms)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aitk-forms"


def source_font(family: str) -> tuple[Path, int] | None:
    """The file and face index of the installed regular face of `family`, or None."""
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style=Regular"], capture_output=True, text=True, check=False
    ).stdout.split("\t")
    if len(found) != 3 or family not in found[0].split(","):
        return None
    return Path(found[1]), int(found[2] or 0)


@cache
def gb2312() -> frozenset[int]:
    """The characters of GB 2312: its hanzi (levels 1 and 2) and symbols."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned position of the GB 2312 table
    return frozenset(chars)
