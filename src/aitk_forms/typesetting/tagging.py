"""What WeasyPrint's tagged PDF (pdf_variant "pdf/ua-1", or pdf_tags with a PDF/A variant) still needs
to conform, done on its pydyf objects in a `write_pdf(finisher=...)` hook before the file is written:
- each table header cell says whether it heads a row or a column (/Scope): WeasyPrint links data cells
  to their headers (/Headers) but leaves /Scope out, which some checkers and screen readers rely on;
- a PDF/A file also identifies itself as PDF/UA-1 in its XMP metadata, whose stream PDF/A wants
  unfiltered (WeasyPrint 70 deflates it)."""

from __future__ import annotations

import re

import pydyf

PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"
# The PDF/UA identification schema, described as PDF/A asks of every schema that XMP itself does not define.
PDFUA_XMP = f"""<rdf:Description rdf:about="" xmlns:pdfuaid="{PDFUA_NAMESPACE}" pdfuaid:part="1"/>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>{PDFUA_NAMESPACE}</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
""".encode()
RDF_START = re.compile(rb"<rdf:RDF\b[^>]*>")


def struct_elements(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    """Every structure element of the document, in the order WeasyPrint made them."""
    return [item for item in pdf.objects if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/StructElem"]


def add_header_scopes(pdf: pydyf.PDF) -> None:
    """Give each table header cell (/TH) a /Scope: /Row when a data cell of its own row names it among its
    headers (`<th scope="row">` in the HTML), else /Column."""
    elements = struct_elements(pdf)
    headers = {_text(e["ID"]): e for e in elements if e.get("S") == "/TH" and "ID" in e}
    row_headers = set()
    for cell in elements:
        if cell.get("S") != "/TD":
            continue
        for key in cell.get("A", {}).get("Headers", ()):
            header = headers.get(_text(key))
            if header is not None and header.get("P") == cell.get("P"):
                row_headers.add(_text(key))
    for key, header in headers.items():
        attributes = header.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
        attributes["Scope"] = "/Row" if key in row_headers else "/Column"


def _text(value: object) -> str:
    return value.string if isinstance(value, pydyf.String) else str(value)


def declare_pdfua(pdf: pydyf.PDF) -> None:
    """Add the PDF/UA-1 identification to the XMP metadata WeasyPrint wrote for a PDF/A variant, and
    write that stream unfiltered."""
    stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    xmp = b"\n".join(part if isinstance(part, bytes) else str(part).encode() for part in stream.stream)
    start = RDF_START.search(xmp)
    if start is None:
        raise ValueError("WeasyPrint wrote XMP metadata without an rdf:RDF element: this aitk-forms does not know its layout")
    stream.stream = [xmp[: start.end()] + b"\n" + PDFUA_XMP + xmp[start.end() :]]
    stream.compress = False
