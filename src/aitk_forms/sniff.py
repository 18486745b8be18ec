"""Recognise a returned file's format by its content, and refuse what is unsafe to open."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import UnreadableFile

# Limits that keep a hostile file from exhausting the coordinator's machine (see README, Security).
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for any part larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    format: str  # xlsx | docx | pdf


def sniff(path: Path) -> Sniffed:
    """The format of `path`, or UnreadableFile saying what the file is and what to do."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFile("the file is empty (0 bytes): ask the sender to send it again")
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(f"the file is {size // (1024 * 1024)} MB, more than the {MAX_FILE_BYTES // (1024 * 1024)} MB limit")
    with open(path, "rb") as handle:
        head = handle.read(1024)
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return Sniffed("pdf")
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(_ole_message(path))
    if head.startswith(b"PK\x03\x04"):
        return Sniffed(_zip_format(path))
    raise UnreadableFile("not a form made by aitk-forms: neither an Excel, Word nor PDF file")


def _ole_message(path: Path) -> str:
    kind = {".xls": "Excel 97-2003 workbook", ".doc": "Word 97-2003 document"}.get(path.suffix.lower())
    if kind:
        return f"an old {kind} (or an encrypted file): open it and save it as .{path.suffix.lower()[1:]}x, then send it again"
    return "an old Office binary file or a password-protected document: remove the password and save as .xlsx or .docx"


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_zip_limits(infos)
            names = {i.filename for i in infos}
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
            types = archive.read("[Content_Types].xml")[:200_000] if "[Content_Types].xml" in names else b""
    except zipfile.BadZipFile:
        raise UnreadableFile("the file is damaged (not a complete zip archive): ask the sender to send it again") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError) as error:
        raise UnreadableFile(f"the file cannot be opened: {error}") from None
    if "opendocument" in mimetype:
        what = "spreadsheet (.ods)" if "spreadsheet" in mimetype else "document (.odt)" if "text" in mimetype else "file"
        raise UnreadableFile(
            f"an OpenDocument {what}: open it in LibreOffice and save it as Microsoft Office format (.xlsx or .docx)"
        )
    if b"macroEnabled" in types or "xl/vbaProject.bin" in names or "word/vbaProject.bin" in names:
        raise UnreadableFile("the file contains macros (.xlsm/.docm); it was not opened: ask for the form as .xlsx or .docx")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    raise UnreadableFile("a zip archive that is not an Excel or Word file")


def check_zip_limits(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zip bombs before anything is decompressed."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnreadableFile(f"the archive has {len(infos)} parts, more than the limit of {MAX_ZIP_ENTRIES}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(f"the file would expand to {total // (1024 * 1024)} MB, more than the limit")
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnreadableFile(f"part '{info.filename}' is compressed suspiciously well (a zip bomb?)")
