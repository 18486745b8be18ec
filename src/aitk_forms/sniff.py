"""Recognise a returned file's format by its content, and refuse what is unsafe to open.

Every limit that keeps a hostile file from exhausting the coordinator's machine lives here (README, Security).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .errors import UnreadableFile

MAX_FILE_BYTES = 50 * 1024 * 1024  # a filled form is well under 2 MB
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all parts of an archive together, as its directory declares them
MAX_PART_BYTES = 8 * 1024 * 1024  # one XML part that a reader parses; our largest is under 1 MB
MAX_RATIO = 200  # uncompressed / compressed, for any part larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_CELLS = 50_000  # cells in one sheet of a workbook; our largest sheet has a few thousand
MAX_PDF_FIELDS = 5_000  # form fields in a PDF; our largest form has a few hundred
FILE_SECONDS = 20  # wall-clock time to read one file, in a worker process that is killed past it
FILE_MEMORY_BYTES = 1024 * 1024 * 1024  # memory a worker may add to its own while reading one file

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an Office program writes when a file is saved with a password (MS-OFFCRYPTO), as its directory names it.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
OFFICE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

MESSAGES = {
    "empty": "the file is empty (0 bytes): ask the sender to send it again",
    "too_big": "the file is {mb} MB, more than the {limit} MB limit for a returned form",
    "unknown": "not a form made by aitk-forms: neither an Excel, Word nor PDF file (it may be damaged)",
    "encrypted_office": "the file is protected by a password: ask the sender to open it, remove the password "
    "(File > Info > Protect) and send it again",
    "old_office": "an old {kind}: ask the sender to open it and save it as .{suffix}x (File > Save As), then send it again",
    "ole": "an old Office binary file (.xls or .doc): ask the sender to save it as .xlsx or .docx and send it again",
    "damaged_zip": "the file is damaged (not a complete zip archive; cut short in transfer?): ask the sender to send it again",
    "cannot_open": "the file cannot be opened as an archive ({error}): ask the sender to send it again",
    "odf": "an OpenDocument {what} saved by LibreOffice or another program, which aitk-forms does not read: ask the "
    "sender to save it in Microsoft Office format (File > Save As, .xlsx or .docx) and send it again",
    "macros": "the file contains macros (.xlsm/.docm); it was not opened and nothing in it was run: ask for the form "
    "as .xlsx or .docx",
    "missing_part": "the file is damaged: its part {part} is missing; ask the sender to send the original file again",
    "not_office": "a zip archive that is not an Excel or Word file",
    "entries": "the archive has {count} parts, more than the limit of {limit}: not one of our forms",
    "expands": "the file would expand to {mb} MB, more than the {limit} MB limit: not one of our forms (a zip bomb?)",
    "ratio": "part '{part}' is compressed suspiciously well (a zip bomb?); it was not opened",
    "method": "part '{part}' uses a compression method that Office never uses; it was not opened",
    "zip_encrypted": "part '{part}' is encrypted: ask the sender to send the form without a password",
}


@dataclass(frozen=True)
class Sniffed:
    format: str  # xlsx | docx | pdf


def sniff(path: Path) -> Sniffed:
    """The format of `path`, or UnreadableFile saying what the file is and what to do."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(MESSAGES["empty"])
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(MESSAGES["too_big"].format(mb=f"{size / (1024 * 1024):.1f}", limit=MAX_FILE_BYTES // (1024 * 1024)))
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return Sniffed("pdf")
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(_ole_message(path))
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(_zip_format(path))
    raise UnreadableFile(MESSAGES["unknown"])


def _ole_message(path: Path) -> str:
    """An OLE compound file is an old binary Office file, or a new one saved with a password."""
    with open(path, "rb") as handle:
        if ENCRYPTED_PACKAGE in handle.read(MAX_FILE_BYTES):
            return MESSAGES["encrypted_office"]
    kind = {".xls": "Excel 97-2003 workbook (.xls)", ".doc": "Word 97-2003 document (.doc)"}.get(path.suffix.lower())
    if kind:
        return MESSAGES["old_office"].format(kind=kind, suffix=path.suffix.lower()[1:])
    return MESSAGES["ole"]


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_zip_limits(infos)
            names = {i.filename for i in infos}
            mimetype = _head(archive, "mimetype", 100).decode("ascii", "replace") if "mimetype" in names else ""
            types = _head(archive, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except zipfile.BadZipFile:
        raise UnreadableFile(MESSAGES["damaged_zip"]) from None
    except (zipfile.LargeZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as error:
        raise UnreadableFile(MESSAGES["cannot_open"].format(error=type(error).__name__)) from None
    if "opendocument" in mimetype:
        what = "spreadsheet (.ods)" if "spreadsheet" in mimetype else "document (.odt)" if "text" in mimetype else "file"
        raise UnreadableFile(MESSAGES["odf"].format(what=what))
    if b"macroEnabled" in types or "xl/vbaProject.bin" in names or "word/vbaProject.bin" in names:
        raise UnreadableFile(MESSAGES["macros"])
    return _office_format(names, types)


def _head(archive: zipfile.ZipFile, name: str, size: int = 1024 * 1024) -> bytes:
    with archive.open(name) as stream:
        return stream.read(size)


def _office_format(names: set[str], types: bytes) -> str:
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    # Declared as a workbook or document but the main part is gone: a damaged file, not a foreign one.
    if b"spreadsheetml.sheet.main" in types:
        raise UnreadableFile(MESSAGES["missing_part"].format(part="xl/workbook.xml"))
    if b"wordprocessingml.document.main" in types:
        raise UnreadableFile(MESSAGES["missing_part"].format(part="word/document.xml"))
    raise UnreadableFile(MESSAGES["not_office"])


def check_zip_limits(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs and unusual archives before anything is decompressed."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnreadableFile(MESSAGES["entries"].format(count=len(infos), limit=MAX_ZIP_ENTRIES))
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(MESSAGES["expands"].format(mb=total // (1024 * 1024), limit=MAX_UNCOMPRESSED_BYTES // (1024 * 1024)))
    for info in infos:
        part = printable(info.filename)
        if info.flag_bits & 0x1:
            raise UnreadableFile(MESSAGES["zip_encrypted"].format(part=part))
        if info.compress_type not in OFFICE_COMPRESSION:
            raise UnreadableFile(MESSAGES["method"].format(part=part))
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(MESSAGES["ratio"].format(part=part))


def zip_damage(error: BaseException) -> str:
    """What a part's damage was, in words: the zip and zlib errors name themselves poorly."""
    if isinstance(error, zlib.error):
        return "its compressed data is corrupt"
    if isinstance(error, EOFError):
        return "it is cut short"
    if isinstance(error, zipfile.BadZipFile):
        return printable(str(error)) or "it fails its checksum"
    return type(error).__name__


def xml_damage(error: BaseException) -> str:
    """libxml2's complaint, without its advice to programmers."""
    text = str(error)
    if "Excessive depth" in text:
        return "it nests more than 256 levels deep"
    return printable(text.split(", use XML_PARSE_HUGE")[0])


def printable(text: str, limit: int = 80) -> str:
    """Text from inside a file, fit to quote in a message: no control characters, not too long."""
    clean = "".join(c if c.isprintable() else "?" for c in text[: limit * 2])
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"
