"""Finish WeasyPrint's form fields with pypdf: names and export values as INTERFACES.md states
(radio groups and check boxes answer with choice ids), appearances for every state, tooltips,
right-to-left alignment, and the identity in the document information dictionary."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ..model import Form, is_rtl
from ..responses import Identity

# Keys of the identity in the information dictionary: /aitk_form, /aitk_version, ...
META_PREFIX = "/aitk_"
RADIO = 1 << 15
MULTILINE = 1 << 12
FIELD_FONT_SIZE = 10
ON_STATE = "/Yes"
SCRIPT_TAGS = {"zh": "zh-Hans"}


def finish_fields(pdf: bytes, form: Form, lang: str, identity: Identity, title: str, path: Path) -> None:
    """Rewrite WeasyPrint's output `pdf` into our fillable form at `path`."""
    writer = PdfWriter(clone_from=BytesIO(pdf))
    acro = writer._root_object["/AcroForm"]
    font_name = _field_font(acro)
    _add_standard_fonts(writer, acro)
    if font_name:
        acro[NameObject("/DA")] = TextStringObject(f"0 g {font_name} {FIELD_FONT_SIZE} Tf")
    # Every field carries its own appearance, so viewers must not redraw them from scratch.
    acro[NameObject("/NeedAppearances")] = BooleanObject(False)
    top = []
    for ref in acro["/Fields"]:
        field = ref.get_object()
        if "/Parent" in field or any(existing.idnum == ref.idnum for existing in top):
            continue  # WeasyPrint lists a radio group's buttons beside the group itself
        top.append(ref)
        if field.get("/FT") == "/Tx":
            _finish_text(writer, field, acro, font_name, lang)
        elif int(field.get("/Ff", 0)) & RADIO:
            _finish_radio(writer, field)
        elif field.get("/FT") == "/Btn":
            _finish_checkbox(writer, field)
    acro[NameObject("/Fields")] = ArrayObject(top)
    _finish_document(writer, form, lang, identity, title)
    with open(path, "wb") as handle:
        writer.write(handle)


def _field_font(acro: DictionaryObject) -> str | None:
    """The resource name of the font WeasyPrint embedded whole for the text fields (it covers the
    language's script, so a viewer can draw what is typed with it), taken from a field's /DA."""
    for ref in acro["/Fields"]:
        match = re.search(r"(/[^\s/]+)\s+[\d.]+\s+Tf", str(ref.get_object().get("/DA", "")))
        if match:
            return match.group(1)
    return None


def _add_standard_fonts(writer: PdfWriter, acro: DictionaryObject) -> None:
    """Helvetica and ZapfDingbats under the names viewers (Acrobat, MuPDF) write into the appearances
    they make, so that poppler finds them when it draws a form filled by one of those."""
    fonts = acro["/DR"].get_object()["/Font"].get_object()
    for name, base in (("/Helv", "/Helvetica"), ("/ZaDb", "/ZapfDingbats")):
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base),
            }
        )
        if base == "/Helvetica":
            font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
        fonts.setdefault(NameObject(name), writer._add_object(font))


def _finish_text(writer: PdfWriter, field: DictionaryObject, acro: DictionaryObject, font_name: str, lang: str) -> None:
    # WeasyPrint's /DA also sets a graphics state, which a default appearance must not: keep colour and font.
    field[NameObject("/DA")] = TextStringObject(f"0 g {font_name} {FIELD_FONT_SIZE} Tf")
    field.pop("/MaxLen", None)  # no silent length limit
    field[NameObject("/V")] = TextStringObject("")
    if is_rtl(lang):
        field[NameObject("/Q")] = NumberObject(2)
    width, height = _size(field)
    fonts = acro["/DR"].get_object()["/Font"].get_object()
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject(font_name): fonts[font_name]})})
    empty = _appearance(writer, width, height, b"/Tx BMC\nEMC\n", resources)
    field[NameObject("/AP")] = DictionaryObject({NameObject("/N"): empty})


def _finish_radio(writer: PdfWriter, group: DictionaryObject) -> None:
    # WeasyPrint names each button's "on" appearance /0, /1, ... and keeps the values in /Opt;
    # viewers and pypdf read the appearance name as the export value, so it becomes the choice id.
    values = [str(v) for v in group.get("/Opt", [])]
    for kid_ref, value in zip(group["/Kids"], values, strict=True):
        kid = kid_ref.get_object()
        for inherited in ("/T", "/TU", "/FT", "/V"):
            kid.pop(inherited, None)
        _set_states(writer, kid, "/" + value)
    group.pop("/Opt", None)
    group[NameObject("/V")] = NameObject("/Off")


def _finish_checkbox(writer: PdfWriter, box: DictionaryObject) -> None:
    _set_states(writer, box, ON_STATE)
    box[NameObject("/V")] = NameObject("/Off")


def _set_states(writer: PdfWriter, widget: DictionaryObject, on: str) -> None:
    """Give a button its "on" appearance (WeasyPrint's drawing) under `on`, and an empty /Off."""
    drawn = next(iter(widget["/AP"]["/N"].values()))
    width, height = _size(widget)
    off = _appearance(writer, width, height, b"", DictionaryObject())
    widget[NameObject("/AP")] = DictionaryObject(
        {NameObject("/N"): DictionaryObject({NameObject(on): drawn, NameObject("/Off"): off})}
    )
    widget[NameObject("/AS")] = NameObject("/Off")


def _size(widget: DictionaryObject) -> tuple[float, float]:
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    return abs(x2 - x1), abs(y2 - y1)


def _appearance(writer: PdfWriter, width: float, height: float, data: bytes, resources: DictionaryObject):
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
            NameObject("/Resources"): resources,
        }
    )
    return writer._add_object(stream)


def language_tag(lang: str) -> str:
    """The BCP 47 tag for the document: plain `zh` makes viewers (MuPDF) draw typed Chinese with a
    Traditional font, which lacks simplified characters such as 办."""
    return SCRIPT_TAGS.get(lang, lang)


def _finish_document(writer: PdfWriter, form: Form, lang: str, identity: Identity, title: str) -> None:
    metadata = {"/Title": title, "/Creator": "aitk-forms", "/Subject": f"{form.id} {form.version} {lang}"}
    metadata |= {f"{META_PREFIX}{key}": value for key, value in identity.as_dict().items()}
    writer.add_metadata(metadata)
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject(language_tag(lang))
    preferences = {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    if is_rtl(lang):
        preferences[NameObject("/Direction")] = NameObject("/R2L")
    root[NameObject("/ViewerPreferences")] = DictionaryObject(preferences)
