"""A corpus of damaged, foreign, hostile and encrypted returned files, made from valid forms by the tests themselves.

Each entry: file name -> (maker, words the rejection reason must contain). A maker takes the valid filled
forms (format -> bytes) and returns the bytes of the file. No binary comes from elsewhere.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable

from docx import Document
from openpyxl import Workbook
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from aitk_forms.limits import MAX_CELLS, MAX_FILE_BYTES, MAX_PART_BYTES, MAX_PDF_FIELDS, MAX_UNCOMPRESSED_BYTES, RATIO_FLOOR

Valid = dict[str, bytes]


def rezip(data: bytes, change: dict[str, bytes | None] | None = None, **options) -> bytes:
    """The archive `data` with parts replaced (bytes), removed (None) or added, in the original order."""
    change = dict(change or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, **options) as target:
        for info in source.infolist():
            part = change.pop(info.filename, source.read(info))
            if part is not None:
                target.writestr(info.filename, part)
        for name, part in change.items():
            target.writestr(name, part)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def meta_sheet(data: bytes) -> str:
    """The worksheet part that holds the workbook's `_aitk` identity."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return next(n for n in archive.namelist() if n.startswith("xl/worksheets/") and b">fingerprint<" in archive.read(n))


def edit_part(data: bytes, name: str, edit: Callable[[bytes], bytes]) -> bytes:
    return rezip(data, {name: edit(part(data, name))})


def damage_compressed(data: bytes, name: str) -> bytes:
    """Flip bytes inside the compressed data of one part: its checksum or its deflate stream breaks."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    damaged = bytearray(data)
    for offset in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        damaged[offset] ^= 0x5A
    return bytes(damaged)


def lie_about_size(data: bytes, name: str, size: int = 64) -> bytes:
    """Declare a part far smaller than it is, in both its local header and the central directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    central = data.find(b"PK\x01\x02", 0)
    while central != -1:
        length = struct.unpack("<H", data[central + 28 : central + 30])[0]
        if data[central + 46 : central + 46 + length] == name.encode():
            struct.pack_into("<I", patched, central + 24, size)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def set_zip_flag(data: bytes, flag: int) -> bytes:
    """Set a general-purpose flag bit on every entry of the central directory (bit 0: encrypted)."""
    patched = bytearray(data)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        struct.pack_into("<H", patched, central + 8, struct.unpack("<H", data[central + 8 : central + 10])[0] | flag)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(patched)


def noise(seed: int, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


def odf(mimetype: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)  # stored first and uncompressed, as ODF requires
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ole(names: tuple[str, ...] = ()) -> bytes:
    """A compound file header and one directory sector naming `names` (what an Office password file holds)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHH", header, 24, 0x3E, 3, 0xFFFE)
    struct.pack_into("<H", header, 30, 9)
    directory = bytearray(512)
    for index, name in enumerate(("Root Entry", *names)):
        encoded = name.encode("utf-16-le") + b"\0\0"
        directory[index * 128 : index * 128 + len(encoded)] = encoded
        struct.pack_into("<H", directory, index * 128 + 64, len(encoded))
    return bytes(header) + bytes(directory) + bytes(512 * 6)


def foreign_xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Budget 2026"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def foreign_docx() -> bytes:
    document = Document()
    document.add_paragraph("Minutes of the meeting")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_rewrite(data: bytes, change: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def foreign_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_metadata(**values: str) -> Callable[[PdfWriter], None]:
    return lambda writer: writer.add_metadata({f"/aitk_{k}": v for k, v in values.items()})


def pdf_parent_loop(writer: PdfWriter) -> None:
    fields = writer.root_object["/AcroForm"]["/Fields"]
    first, second = fields[0], fields[1]
    first.get_object()[NameObject("/Parent")] = second
    second.get_object()[NameObject("/Parent")] = first


def pdf_many_fields(writer: PdfWriter) -> None:
    fields = writer.root_object["/AcroForm"]["/Fields"]
    for index in range(MAX_PDF_FIELDS + 100):
        field = DictionaryObject({NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(f"extra{index}")})
        fields.append(writer._add_object(field))  # pypdf has no public way to add a bare field


def pdf_deep_nesting(data: bytes) -> bytes:
    return data.replace(b"/Root", b"/Deep " + b"[" * 100_000 + b"]" * 100_000 + b" /Root", 1)


def pdf_broken_xref(data: bytes) -> bytes:
    """Every offset in the cross-reference table wrong: a reader must rebuild it by scanning the objects."""
    start = data.rindex(b"\nxref\n")
    return data[:start] + re.sub(rb"\d{10} (\d{5}) n", rb"0000000999 \1 n", data[start:])


def pdf_encrypted(data: bytes) -> bytes:
    def encrypt(writer: PdfWriter) -> None:
        writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")

    return pdf_rewrite(data, encrypt)


def zip_bomb() -> bytes:
    """One part that expands far beyond its compressed size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook>" + b" " * (RATIO_FLOOR * 40) + b"</workbook>")
    return out.getvalue()


def zip_bomb_total() -> bytes:
    """Many parts, each too small for the ratio check, together beyond the total limit."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for index in range(MAX_UNCOMPRESSED_BYTES // RATIO_FLOOR + 2):
            archive.writestr(f"word/media/padding{index}.bin", bytes(RATIO_FLOOR))
    return out.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>&c;</sheets></workbook>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"
)
DEEP_XML = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' + (
    b"<w:p>" * 50_000 + b"</w:p>" * 50_000 + b"</w:document>"
)


def edit_meta(data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    return edit_part(data, meta_sheet(data), lambda xml: re.sub(pattern, replacement, xml))


def declare_macros(types: bytes) -> bytes:
    return types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")


def many_cells(data: bytes) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="C%d"><v>%d</v></c></row>' % (i, i, i) for i in range(10, MAX_CELLS + 20))
    return edit_part(data, meta_sheet(data), lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"))


def huge_part(data: bytes) -> bytes:
    text = random.Random(7).randbytes(MAX_PART_BYTES // 2 + 1024).hex().encode()  # incompressible: no ratio alarm
    return edit_part(data, "word/document.xml", lambda xml: xml.replace(b"</w:body>", b"<!--" + text + b"--></w:body>"))


# name -> (maker, words the reason must contain)
CORPUS: dict[str, tuple[Callable[[Valid], bytes], str]] = {
    # damaged
    "empty.xlsx": (lambda v: b"", "empty"),
    "cut-short.xlsx": (lambda v: v["xlsx"][: len(v["xlsx"]) * 2 // 3], "damaged"),
    "cut-short.docx": (lambda v: v["docx"][: len(v["docx"]) // 2], "damaged"),
    "cut-short.pdf": (lambda v: v["pdf"][: len(v["pdf"]) // 2], "damaged"),
    "noise.xlsx": (lambda v: noise(1), "neither an Excel, Word nor PDF"),
    "noise.docx": (lambda v: noise(2), "neither an Excel, Word nor PDF"),
    "noise.pdf": (lambda v: b"%PDF-1.7\n" + noise(3), "damaged"),
    "missing-workbook.xlsx": (lambda v: rezip(v["xlsx"], {"xl/workbook.xml": None}), "xl/workbook.xml is missing"),
    "missing-relations.xlsx": (lambda v: rezip(v["xlsx"], {"xl/_rels/workbook.xml.rels": None}), "is missing"),
    "missing-document.docx": (lambda v: rezip(v["docx"], {"word/document.xml": None}), "word/document.xml is missing"),
    "bad-checksum.xlsx": (lambda v: damage_compressed(v["xlsx"], "xl/workbook.xml"), "damaged"),
    "bad-checksum.docx": (lambda v: damage_compressed(v["docx"], "word/document.xml"), "damaged"),
    "malformed-xml.xlsx": (lambda v: edit_part(v["xlsx"], "xl/workbook.xml", lambda x: x[: len(x) // 2]), "well-formed"),
    "malformed-xml.docx": (lambda v: edit_part(v["docx"], "word/document.xml", lambda x: x[:-40]), "well-formed"),
    "no-xref.pdf": (lambda v: v["pdf"][: v["pdf"].rindex(b"\nxref\n")], "damaged"),
    # not our forms
    "budget.xlsx": (lambda v: foreign_xlsx(), "no '_aitk' sheet"),
    "minutes.docx": (lambda v: foreign_docx(), "no form identity"),
    "leaflet.pdf": (lambda v: foreign_pdf(), "carries no form identifier"),
    "other-form-set.xlsx": (
        lambda v: edit_part(v["xlsx"], meta_sheet(v["xlsx"]), lambda x: x.replace(b"<t>aitk</t>", b"<t>other-set</t>")),
        "another form set",
    ),
    "edited-fingerprint.xlsx": (lambda v: edit_meta(v["xlsx"], rb"<t>[0-9a-f]{16}</t>", b"<t>0123456789abcdef</t>"), "structure"),
    "edited-fingerprint.docx": (
        lambda v: edit_part(v["docx"], "docProps/custom.xml", lambda x: re.sub(rb">[0-9a-f]{16}<", b">0123456789abcdef<", x)),
        "structure",
    ),
    "edited-version.pdf": (lambda v: pdf_rewrite(v["pdf"], pdf_metadata(version="9.9")), "version 9.9"),
    "unknown-form.pdf": (lambda v: pdf_rewrite(v["pdf"], pdf_metadata(form="intake")), "unknown form 'intake'"),
    "path-in-identity.docx": (
        lambda v: edit_part(v["docx"], "docProps/custom.xml", lambda x: x.replace(b">risk<", b">../../../tmp/evil<")),
        "unknown form '../../../tmp/evil'",
    ),
    "macros.xlsm": (lambda v: rezip(v["xlsx"], {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}), "macros"),
    "macros.docm": (lambda v: edit_part(v["docx"], "[Content_Types].xml", declare_macros), "macros"),
    "old.xls": (lambda v: ole(("Workbook",)), "save it as .xlsx"),
    "old.doc": (lambda v: ole(("WordDocument",)), "save it as .docx"),
    "libreoffice.ods": (lambda v: odf("application/vnd.oasis.opendocument.spreadsheet"), "OpenDocument spreadsheet (.ods)"),
    "libreoffice.odt": (lambda v: odf("application/vnd.oasis.opendocument.text"), "OpenDocument document (.odt)"),
    # encrypted
    "password.xlsx": (lambda v: ole(("EncryptionInfo", "EncryptedPackage")), "protected by a password"),
    "password.pdf": (lambda v: pdf_encrypted(v["pdf"]), "protected by a password"),
    "zip-password.docx": (lambda v: set_zip_flag(v["docx"], 0x1), "encrypted"),
    # resource attacks
    "zip-bomb.xlsx": (lambda v: zip_bomb(), "zip bomb"),
    "zip-bomb-many-parts.docx": (lambda v: zip_bomb_total(), "would expand"),
    "lying-sizes.xlsx": (lambda v: lie_about_size(v["xlsx"], "xl/workbook.xml"), "damaged"),
    "entity-expansion.xlsx": (lambda v: rezip(v["xlsx"], {"xl/workbook.xml": ENTITY_BOMB}), "document type"),
    "external-entity.docx": (lambda v: rezip(v["docx"], {"word/document.xml": EXTERNAL_ENTITY}), "document type"),
    "deep-nesting.docx": (lambda v: rezip(v["docx"], {"word/document.xml": DEEP_XML}), "damaged"),
    "huge-part.docx": (lambda v: huge_part(v["docx"]), "too large"),
    "many-cells.xlsx": (lambda v: many_cells(v["xlsx"]), f"more than {MAX_CELLS} cells"),
    "looping-fields.pdf": (lambda v: pdf_rewrite(v["pdf"], pdf_parent_loop), "loops"),
    "deep-nesting.pdf": (lambda v: pdf_deep_nesting(v["pdf"]), "damaged"),
    "many-fields.pdf": (lambda v: pdf_rewrite(v["pdf"], pdf_many_fields), f"more than {MAX_PDF_FIELDS} form fields"),
    "too-big.pdf": (lambda v: v["pdf"] + b"\n%" + bytes(MAX_FILE_BYTES), "limit"),
}
# Damage a reader repairs: name -> (format of the valid file to damage, damage); the answers must come back exactly.
REPAIRABLE = {"broken-xref.pdf": ("pdf", pdf_broken_xref)}
