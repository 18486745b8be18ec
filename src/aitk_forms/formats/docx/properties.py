"""The form's identity as custom document properties (docProps/custom.xml), which Word and
LibreOffice Writer both keep on save."""

from __future__ import annotations

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from lxml import etree

CUSTOM_PART = "docProps/custom.xml"
CUSTOM_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
# Property names carry a prefix so an agency's own properties cannot collide with ours.
PREFIX = "aitk_"
# The format id every custom property must carry (ECMA-376 part 1, 22.3.2.2).
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def write_custom_properties(document: Document, values: dict[str, str]) -> None:
    """Add a custom properties part holding `values` under prefixed names."""
    root = etree.Element(f"{{{CUSTOM_NS}}}Properties", nsmap={None: CUSTOM_NS, "vt": VT_NS})
    for pid, (key, value) in enumerate(values.items(), start=2):
        prop = etree.SubElement(root, f"{{{CUSTOM_NS}}}property", fmtid=FMTID, pid=str(pid), name=PREFIX + key)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    package = document.part.package
    part = Part(PackURI("/" + CUSTOM_PART), CUSTOM_CONTENT_TYPE, blob, package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)


def read_custom_properties(root: etree._Element) -> dict[str, str]:
    """Our prefixed properties from a parsed custom.xml, without the prefix."""
    found = {}
    for prop in root.iterfind(f"{{{CUSTOM_NS}}}property"):
        name = prop.get("name", "")
        if name.startswith(PREFIX) and len(prop):
            found[name[len(PREFIX) :]] = (prop[0].text or "").strip()
    return found
