"""Recognise a returned file's codec by its content (each codec says what is its own), and refuse what is unsafe to open.

The limits it applies live in `limits.py` (README, Security).
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from .archives import check_zip_limits
from .errors import UnreadableFile
from .formats import CODECS, Codec, Probe
from .limits import MAX_FILE_BYTES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an Office program writes when a file is saved with a password (MS-OFFCRYPTO), as its directory names it.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

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
}


def sniff(path: Path) -> Codec:
    """The codec whose file `path` is, or UnreadableFile saying what the file is and what to do."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile(MESSAGES["empty"])
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(MESSAGES["too_big"].format(mb=f"{size / (1024 * 1024):.1f}", limit=MAX_FILE_BYTES // (1024 * 1024)))
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(_ole_message(path))
    names: frozenset[str] = frozenset()
    if head.startswith(b"PK\x03\x04"):
        names = _zip_names(path)
    codec = CODECS.recognise(Probe(head, names))
    if codec is not None:
        return codec
    if names:
        raise UnreadableFile(MESSAGES["not_office"])
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


def _zip_names(path: Path) -> frozenset[str]:
    """The parts of a zip archive, once it is known to be safe to open and not a file we refuse."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_zip_limits(infos)
            names = frozenset(i.filename for i in infos)
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
    if b"spreadsheetml.sheet.main" in types and "xl/workbook.xml" not in names:
        raise UnreadableFile(MESSAGES["missing_part"].format(part="xl/workbook.xml"))
    if b"wordprocessingml.document.main" in types and "word/document.xml" not in names:
        raise UnreadableFile(MESSAGES["missing_part"].format(part="word/document.xml"))
    return names


def _head(archive: zipfile.ZipFile, name: str, size: int = 1024 * 1024) -> bytes:
    with archive.open(name) as stream:
        return stream.read(size)
