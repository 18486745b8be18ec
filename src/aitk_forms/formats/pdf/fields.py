"""Finish WeasyPrint's form fields inside its `write_pdf(finisher=...)` hook, on the pydyf objects before
the file is written: names and export values as INTERFACES.md states (radio groups and check boxes
answer with choice ids), appearances for every state, tooltips, right-to-left alignment, the identity
in the document information dictionary.

Working on pydyf's objects rather than re-reading the written file with pypdf saves parsing the whole
PDF again (a third of a second for the risk form)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pydyf

from ...identity import Identity
from ...model import Form, is_rtl
from ...typesetting.tagging import add_header_scopes
from ...typesetting.weasy import compress_streams

# Keys of the identity in the information dictionary: /aitk_form, /aitk_version, ...
META_PREFIX = "/aitk_"
RADIO = 1 << 15
FIELD_FONT_SIZE = 10
ON_STATE = "Yes"
SCRIPT_TAGS = {"zh": "zh-Hans"}
FONT_IN_DA = re.compile(rb"/([^\s/()]+)\s+[\d.]+\s+Tf")


def field_finisher(form: Form, lang: str, identity: Identity, title: str) -> Callable[[object, pydyf.PDF], None]:
    """A WeasyPrint finisher that turns the document's fields into our fillable form."""

    def finish(document: object, pdf: pydyf.PDF) -> None:
        finish_fields(pdf, form, lang, identity, title)
        add_header_scopes(pdf)
        compress_streams(document, pdf)

    return finish


def finish_fields(pdf: pydyf.PDF, form: Form, lang: str, identity: Identity, title: str) -> None:
    """Rewrite the form fields of WeasyPrint's `pdf` in place."""
    objects = _Objects(pdf)
    acro = pdf.catalog["AcroForm"]
    fonts = objects.get(objects.get(acro["DR"])["Font"])
    _add_standard_fonts(pdf, fonts)
    font_name = _weasyprint_field_font(objects, acro)
    if font_name:
        acro["DA"] = pydyf.String(f"0 g /{font_name} {FIELD_FONT_SIZE} Tf")
    # Every field carries its own appearance, so viewers must not redraw them from scratch.
    acro["NeedAppearances"] = "false"
    top, seen = pydyf.Array(), set()
    for ref in acro["Fields"]:
        field = objects.get(ref)
        if "Parent" in field or ref in seen:
            continue  # WeasyPrint lists a radio group's buttons beside the group itself
        seen.add(ref)
        top.append(ref)
        if field.get("FT") == "/Tx":
            _finish_text(pdf, field, fonts, font_name, lang)
        elif int(field.get("Ff", 0)) & RADIO:
            _finish_radio(pdf, objects, field)
        elif field.get("FT") == "/Btn":
            _finish_checkbox(pdf, field)
    acro["Fields"] = top
    _finish_document(pdf, form, lang, identity, title)


class _Objects:
    """pydyf objects by their reference (b'12 0 R')."""

    def __init__(self, pdf: pydyf.PDF) -> None:
        self.pdf = pdf

    def get(self, ref: bytes | pydyf.Object) -> pydyf.Object:
        if isinstance(ref, pydyf.Object):
            return ref
        return self.pdf.objects[int(ref.split()[0])]


def _weasyprint_field_font(objects: _Objects, acro: pydyf.Dictionary) -> str | None:
    """The resource name of the font WeasyPrint embedded whole for the text fields (it covers the
    language's script, so a viewer can draw what is typed with it), taken from a field's /DA."""
    for ref in acro["Fields"]:
        match = FONT_IN_DA.search(_bytes(objects.get(ref).get("DA")))
        if match:
            return match.group(1).decode("latin-1")
    return None


def _bytes(value: object) -> bytes:
    if isinstance(value, pydyf.String):
        value = value.string
    if isinstance(value, str):
        return value.encode("latin-1", "replace")
    return value or b""


def _add_standard_fonts(pdf: pydyf.PDF, fonts: pydyf.Dictionary) -> None:
    """Helvetica and ZapfDingbats under the names viewers (Acrobat, MuPDF) write into the appearances
    they make, so that poppler finds them when it draws a form filled by one of those."""
    for name, base in (("Helv", "/Helvetica"), ("ZaDb", "/ZapfDingbats")):
        font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": base})
        if base == "/Helvetica":
            font["Encoding"] = "/WinAnsiEncoding"
        pdf.add_object(font)
        fonts.setdefault(name, font.reference)


def _finish_text(pdf: pydyf.PDF, field: pydyf.Dictionary, fonts: pydyf.Dictionary, font_name: str, lang: str) -> None:
    # WeasyPrint's /DA also sets a graphics state, which a default appearance must not: keep colour and font.
    field["DA"] = pydyf.String(f"0 g /{font_name} {FIELD_FONT_SIZE} Tf")
    field.pop("MaxLen", None)  # no silent length limit
    field["V"] = pydyf.String("")
    if is_rtl(lang):
        field["Q"] = 2
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary({font_name: fonts[font_name]})})
    empty = _appearance(pdf, field, [b"/Tx BMC", b"EMC"], resources)
    field["AP"] = pydyf.Dictionary({"N": empty.reference})


def _finish_radio(pdf: pydyf.PDF, objects: _Objects, group: pydyf.Dictionary) -> None:
    # WeasyPrint names each button's "on" appearance /0, /1, ... and keeps the values in /Opt;
    # viewers and pypdf read the appearance name as the export value, so it becomes the choice id.
    values = [option.string for option in group.get("Opt", [])]
    for kid_ref, value in zip(group["Kids"], values, strict=True):
        kid = objects.get(kid_ref)
        for inherited in ("T", "TU", "FT", "V"):
            kid.pop(inherited, None)
        _set_states(pdf, kid, value)
    group.pop("Opt", None)
    group["V"] = "/Off"


def _finish_checkbox(pdf: pydyf.PDF, box: pydyf.Dictionary) -> None:
    _set_states(pdf, box, ON_STATE)
    box["V"] = "/Off"


def _set_states(pdf: pydyf.PDF, widget: pydyf.Dictionary, on: str) -> None:
    """Give a button its "on" appearance (WeasyPrint's drawing) under `on`, and an empty /Off."""
    drawn = next(iter(widget["AP"]["N"].values()))
    off = _appearance(pdf, widget, [], pydyf.Dictionary())
    widget["AP"] = pydyf.Dictionary({"N": pydyf.Dictionary({on: drawn, "Off": off.reference})})
    widget["AS"] = "/Off"


def _appearance(pdf: pydyf.PDF, widget: pydyf.Dictionary, content: list[bytes], resources: pydyf.Dictionary) -> pydyf.Stream:
    x1, y1, x2, y2 = widget["Rect"]
    box = pydyf.Array([0, 0, abs(x2 - x1), abs(y2 - y1)])
    stream = pydyf.Stream(content, {"Type": "/XObject", "Subtype": "/Form", "BBox": box, "Resources": resources})
    pdf.add_object(stream)
    return stream


def language_tag(lang: str) -> str:
    """The BCP 47 tag for the document: plain `zh` makes viewers (MuPDF) draw typed Chinese with a
    Traditional font, which lacks simplified characters such as 办."""
    return SCRIPT_TAGS.get(lang, lang)


def _finish_document(pdf: pydyf.PDF, form: Form, lang: str, identity: Identity, title: str) -> None:
    metadata = {"Title": title, "Creator": "aitk-forms", "Subject": f"{form.id} {form.version} {lang}"}
    metadata |= {f"{META_PREFIX[1:]}{key}": value for key, value in identity.as_dict().items()}
    for key, value in metadata.items():
        pdf.info[key] = pydyf.String(value)
    pdf.catalog["Lang"] = pydyf.String(language_tag(lang))
    preferences = pydyf.Dictionary({"DisplayDocTitle": "true"})
    if is_rtl(lang):
        preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences
