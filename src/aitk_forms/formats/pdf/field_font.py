"""The font of the Chinese form's text fields: Noto Sans CJK SC cut down to the characters of GB 2312
(levels 1 and 2, 6,763 hanzi, with its symbols) plus Latin, Greek, Cyrillic and punctuation, with the
Latin letters it lacks (Ą, Ł, Ž, ...) drawn from Noto Sans.

A PDF viewer draws what a respondent types with the field's own font. WeasyPrint embeds a field's font
whole, and the whole CJK font is 16 MB, so without this subset typed Chinese relied on the viewer
finding a Chinese font of its own. The subset (1.6 MB, 1.3 MB deflated) is made with fontTools once per
machine, in about 5 seconds, and kept in the user's cache folder under the source font's hash."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from functools import cache
from io import BytesIO
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
FIELD_FAMILY = "Noto Sans CJK SC Form Fields"
LATIN = (range(0x20, 0x7F), range(0xA0, 0x250), range(0x370, 0x530), range(0x2000, 0x2070), range(0x20A0, 0x20C0))
CJK_PUNCTUATION = (range(0x3000, 0x3040), range(0xFF00, 0xFFF0))
# Tables a field's text does not use: viewers lay out typed text without OpenType features.
DROPPED_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
LATIN_SOURCE = "Noto Sans"
VERSION = "2"  # part of the cache key: change it when the subset's contents change


def field_font_css(lang: str) -> str | None:
    """An @font-face rule naming the field font of `lang`, or None when the language needs none of
    its own (or the CJK font is not installed: then fields keep the Latin font, as before)."""
    if lang.split("-")[0] != "zh":
        return None
    path = cjk_field_font()
    if path is None:
        return None
    return f'@font-face {{ font-family: "{FIELD_FAMILY}"; src: url("{path.as_uri()}"); }}'


@cache
def cjk_field_font() -> Path | None:
    """The cached subset font file, made on first use; None when Noto Sans CJK SC is not installed."""
    source = _source_font()
    if source is None:
        return None
    font_file, index = source
    digest = hashlib.sha256(font_file.read_bytes()).hexdigest()[:16]
    target = cache_folder() / f"noto-sans-cjk-sc-gb2312-{digest}-{index}-v{VERSION}.otf"
    if not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # A build's workers (or pytest-xdist's) may all want it at once: one makes it, the others wait.
            with open(target.with_suffix(".lock"), "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not target.exists():
                    _write_subset(font_file, index, target)
        except OSError:
            return None  # no writable cache folder: the fields keep the Latin font, as they did before
    return target


def cache_folder() -> Path:
    """The per-user cache folder of aitk-forms ($XDG_CACHE_HOME/aitk-forms or ~/.cache/aitk-forms)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aitk-forms"


def _source_font(family: str = FAMILY) -> tuple[Path, int] | None:
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\t%{file}\t%{index}", f"{family}:style=Regular"], capture_output=True, text=True, check=False
    ).stdout.split("\t")
    if len(found) != 3 or family not in found[0].split(","):
        return None
    return Path(found[1]), int(found[2] or 0)


def characters() -> set[int]:
    """The code points the field font covers: GB 2312 (its hanzi and symbols), Latin, Greek, Cyrillic
    and general and CJK punctuation."""
    chars = {c for block in LATIN + CJK_PUNCTUATION for c in block}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue  # an unassigned position of the GB 2312 table
    return chars


def _write_subset(font_file: Path, index: int, target: Path) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += DROPPED_TABLES
    font = TTFont(str(font_file), fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    packed = BytesIO()
    font.save(packed)
    font = TTFont(BytesIO(packed.getvalue()))
    latin = _source_font(LATIN_SOURCE)
    if latin:
        add_missing_glyphs(font, TTFont(str(latin[0]), fontNumber=latin[1]), characters())
    number_cids_by_glyph(font)
    # Written aside and renamed, so that no process ever reads half a file.
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".otf.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            font.save(out)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def add_missing_glyphs(font, donor, wanted: set[int]) -> None:
    """Copy into the CID-keyed CFF `font` the glyphs of `donor` (a TrueType font) for the code points of
    `wanted` that `font` lacks, converting their outlines to CFF charstrings."""
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    have, offered = font.getBestCmap(), donor.getBestCmap()
    top = font["CFF "].cff.topDictIndex[0]
    strings, order, donor_glyphs = top.CharStrings, font.getGlyphOrder(), donor.getGlyphSet()
    used = {int(name[3:]) for name in order if name.startswith("cid")}
    free_cids = (cid for cid in range(1, 65535) if cid not in used)
    copied: dict[str, str] = {}
    for code in sorted(c for c in wanted if c not in have and c in offered):
        source = offered[code]
        if source not in copied:
            glyph = donor_glyphs[source]
            pen = T2CharStringPen(glyph.width, donor_glyphs)
            glyph.draw(pen)
            strings.charStringsIndex.append(pen.getCharString(private=top.FDArray[0].Private))
            copied[source] = name = f"cid{next(free_cids):05d}"
            strings.charStrings[name] = len(strings.charStringsIndex) - 1
            top.FDSelect.append(0)
            order.append(name)  # the CFF charset is this same list
            font["hmtx"][name] = (glyph.width, donor["hmtx"][source][1])
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = copied[source]
    font.setGlyphOrder(order)


def number_cids_by_glyph(font) -> None:
    """Rename the glyphs of the CID-keyed CFF `font` so that each glyph's CID is its glyph id. A viewer
    writes typed text as glyph ids, and a PDF reader looks glyphs of such a font up by CID."""
    order = font.getGlyphOrder()
    renamed = {name: (name if gid == 0 else f"cid{gid:05d}") for gid, name in enumerate(order)}
    strings = font["CFF "].cff.topDictIndex[0].CharStrings
    strings.charStrings = {renamed[name]: index for name, index in strings.charStrings.items()}
    font["hmtx"].metrics = {renamed[name]: metric for name, metric in font["hmtx"].metrics.items()}
    for table in font["cmap"].tables:
        table.cmap = {code: renamed[name] for code, name in table.cmap.items()}
    order[:] = [renamed[name] for name in order]
    font.setGlyphOrder(order)
