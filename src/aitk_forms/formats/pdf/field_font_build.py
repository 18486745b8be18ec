"""Making the field fonts of field_font.py with fontTools: a subset of the script's font, with the Latin
glyphs it lacks taken from Noto Sans, written aside and renamed so that no process reads half a file."""

from __future__ import annotations

import os
import tempfile
from io import BytesIO
from pathlib import Path

# Tables a field's typed text does not use: viewers lay out typed Latin and Chinese without OpenType
# features. Arabic keeps its layout tables: its letters join through them.
DROPPED_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]


def write_field_font(
    family: str, characters: set[int], source: tuple[Path, int], latin: tuple[Path, int] | None, target: Path, *, cff: bool,
    layout: bool,
) -> None:  # fmt: skip
    """Make the font `family` of `characters` from `source` (a CID-keyed CFF font when `cff`; with its
    OpenType layout when `layout`), taking the characters it lacks from the Latin font, into `target`."""
    made = _cjk_font(characters, source, latin) if cff else _truetype_font(characters, source, latin, layout)
    rename(made, family)
    handle, temp = tempfile.mkstemp(dir=target.parent, suffix=".font.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            made.save(out)
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def rename(font, family: str) -> None:
    """Name the font `family` inside too: fontconfig, which lists it once WeasyPrint loads it, would
    otherwise offer it for the page's text in the family it was cut from."""
    names = font["name"]
    names.names = [record for record in names.names if record.nameID not in (1, 2, 3, 4, 6, 16, 17)]
    postscript = family.replace(" ", "")
    for name_id, value in ((1, family), (2, "Regular"), (3, postscript), (4, family), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)


def _subset(path: Path, index: int, characters: set[int], keep_layout: bool):
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.layout_features = ["*"] if keep_layout else []
    options.drop_tables += ["DSIG"] if keep_layout else DROPPED_TABLES
    font = TTFont(str(path), fontNumber=index)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters)
    subsetter.subset(font)
    packed = BytesIO()
    font.save(packed)
    return TTFont(BytesIO(packed.getvalue()))


def _truetype_font(wanted: set[int], source: tuple[Path, int], latin: tuple[Path, int] | None, layout: bool):
    """A TrueType subset of the source, merged (fontTools.merge) with the Noto Sans glyphs of the
    characters it lacks: both are TrueType fonts of 1000 units per em."""
    from fontTools import merge
    from fontTools.ttLib import TTFont

    base = _subset(*source, wanted, keep_layout=layout)
    missing = wanted - set(base.getBestCmap())
    if latin is None or source == latin or not missing:
        return base
    donor = _subset(*latin, missing, keep_layout=False)
    parts = []
    for part in (base, donor):
        parts.append(BytesIO())
        part.save(parts[-1])
        parts[-1].seek(0)
    merged = merge.Merger().merge(parts)
    packed = BytesIO()
    merged.save(packed)
    return TTFont(BytesIO(packed.getvalue()))


def _cjk_font(wanted: set[int], source: tuple[Path, int], latin: tuple[Path, int] | None):
    """The CID-keyed CFF subset of Noto Sans CJK SC, with the Latin letters it lacks (Ą, Ł, Ž, ...)
    converted from Noto Sans, each glyph's CID equal to its glyph id."""
    from fontTools.ttLib import TTFont

    made = _subset(*source, wanted, keep_layout=False)
    if latin:
        add_missing_glyphs(made, TTFont(str(latin[0]), fontNumber=latin[1]), wanted)
    number_cids_by_glyph(made)
    return made


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
