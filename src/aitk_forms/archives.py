"""Opening an untrusted Office archive safely: zip bombs and unusual archives refused before anything is
decompressed, and damage described in words."""

from __future__ import annotations

import zipfile
import zlib

from .errors import UnreadableFile, printable
from .limits import MAX_RATIO, MAX_UNCOMPRESSED_BYTES, MAX_ZIP_ENTRIES, RATIO_FLOOR

OFFICE_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
MESSAGES = {
    "entries": "the archive has {count} parts, more than the limit of {limit}: not one of our forms",
    "expands": "the file would expand to {mb} MB, more than the {limit} MB limit: not one of our forms (a zip bomb?)",
    "ratio": "part '{part}' is compressed suspiciously well (a zip bomb?); it was not opened",
    "method": "part '{part}' uses a compression method that Office never uses; it was not opened",
    "zip_encrypted": "part '{part}' is encrypted: ask the sender to send the form without a password",
}


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
