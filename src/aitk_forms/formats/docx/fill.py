"""Fill a built Word form with answers, as Word stores them (for samples and benchmarks).

The round-trip tests fill with LibreOffice Writer instead: this filler is ours and proves
nothing about other programs.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from lxml import etree

from ...model import Content, Form, is_rtl
from . import sdt
from .read import answer_controls, control_names

DOCUMENT = "word/document.xml"


def fill(content: Content, form: Form, lang: str, source: Path, target: Path, answers: dict) -> None:
    """Write `answers` (question id -> answer) into the controls of `source`, saved as `target`."""
    with zipfile.ZipFile(source) as archive:
        document = etree.fromstring(archive.read(DOCUMENT))
    controls = answer_controls(document, control_names(form))
    for q in form.questions():
        value = answers.get(q.id)
        if value is None:
            continue
        if q.kind == "multi_choice":
            for choice_id in value:
                _tick(controls[f"ans_{q.id}__{choice_id}"])
            continue
        control = controls[f"ans_{q.id}"]
        if q.has_choices:
            text = q.choice(value).label.get(lang)
            listing = control.find(f"{sdt.w('sdtPr')}/{sdt.w('dropDownList')}")
            listing.set(sdt.w("lastValue"), value)
            text = next((label for label, item in sdt.list_items(control) if item == value), text)
        else:
            text = str(value)
        _set_text(control, text, is_rtl(lang))
    _replace_part(source, target, DOCUMENT, etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True))


def _set_text(control: etree._Element, text: str, rtl: bool) -> None:
    placeholder = control.find(f"{sdt.w('sdtPr')}/{sdt.w('showingPlcHdr')}")
    if placeholder is not None:
        placeholder.getparent().remove(placeholder)
    body = control.find(sdt.w("sdtContent"))
    for child in list(body):
        body.remove(child)
    run = etree.SubElement(body, sdt.w("r"))
    if rtl:
        etree.SubElement(etree.SubElement(run, sdt.w("rPr")), sdt.w("rtl"))
    for index, line in enumerate(text.split("\n")):
        if index:
            etree.SubElement(run, sdt.w("br"))
        node = etree.SubElement(run, sdt.w("t"))
        node.text = line
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _tick(control: etree._Element) -> None:
    flag = control.find(f"{sdt.w('sdtPr')}/{sdt.w14('checkbox')}/{sdt.w14('checked')}")
    flag.set(sdt.w14("val"), "1")
    for node in control.iter(sdt.w("t")):
        node.text = sdt.BALLOT_BOX_CROSSED


def _replace_part(source: Path, target: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            copy.writestr(item, data if item.filename == name else original.read(item.filename))
    shutil.copystat(source, target)
