"""The files inside Outlook's winmail.dat (application/ms-tnef), read to the published [MS-OXTNEF] structure.

A TNEF stream is a signature, a legacy key, then attributes (level, id, length, data, checksum). Each attached file
starts with attAttachRendData, is named by attAttachTitle (and by PidTagAttachLongFilename inside attAttachment's
MAPI properties, which wins), and carries its bytes in attAttachData; an attached Outlook message is a nested
TNEF stream in PidTagAttachDataObject.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from .mime import codepage_codec

SIGNATURE = b"\x78\x9f\x3e\x22"  # 0x223E9F78, little-endian
LEVEL_ATTACHMENT = 0x02
ATT_OEM_CODEPAGE = 0x00069007
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005

PID_ATTACH_LONG_FILENAME = 0x3707
PID_ATTACH_FILENAME = 0x3704
PID_ATTACH_DATA = 0x3701
PID_DISPLAY_NAME = 0x3001

PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT = 0x001E, 0x001F, 0x0102, 0x000D
VARIABLE_TYPES = (PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT)
FIXED_SIZES = {0x0001: 0, 0x0002: 2, 0x0003: 4, 0x0004: 4, 0x0005: 8, 0x0006: 8, 0x0007: 8, 0x000A: 4, 0x000B: 2}
FIXED_SIZES |= {0x0014: 8, 0x0040: 8, 0x0048: 16}
MULTIPLE = 0x1000


class TnefError(ValueError):
    """The stream is not TNEF or is damaged; the message says how, in words."""


@dataclass(frozen=True)
class TnefFile:
    name: str | None
    data: bytes  # the file, or for an attached Outlook message its own TNEF stream


def is_tnef(data: bytes) -> bool:
    return data[:4] == SIGNATURE


def tnef_files(data: bytes, most: int) -> list[TnefFile]:
    """The attached files of a TNEF stream, in order; TnefError when it is damaged or holds more than `most`."""
    if not is_tnef(data) or len(data) < 6:
        raise TnefError("it is not a TNEF stream")
    codepage, files, current = "cp1252", [], None
    for level, attribute, value in _attributes(data):
        if attribute == ATT_OEM_CODEPAGE and len(value) >= 4:
            codepage = codepage_codec(struct.unpack_from("<I", value)[0], codepage)
        if level != LEVEL_ATTACHMENT:
            continue
        if attribute == ATT_ATTACH_REND_DATA or current is None:
            current = {"title": None, "long": None, "data": None}
            files.append(current)
            if len(files) > most:
                raise TnefError(f"it holds more than {most} attachments")
        if attribute == ATT_ATTACH_TITLE:
            current["title"] = value.split(b"\0", 1)[0].decode(codepage, "replace")
        elif attribute == ATT_ATTACH_DATA:
            current["data"] = value
        elif attribute == ATT_ATTACHMENT:
            _apply_properties(current, mapi_properties(value), codepage)
    return [TnefFile(f["long"] or f["title"], f["data"]) for f in files if f["data"] is not None]


def _attributes(data: bytes):
    position = 6  # signature and legacy key
    while position < len(data):
        if position + 9 > len(data):
            raise TnefError("it is cut short")
        level, attribute, length = struct.unpack_from("<BII", data, position)
        start = position + 9
        if start + length + 2 > len(data):
            raise TnefError("it is cut short")
        # The checksum is not verified: a wrong one only matters if the file is damaged, which the importer sees.
        yield level, attribute, data[start : start + length]
        position = start + length + 2


def _apply_properties(current: dict, properties: dict[int, tuple[int, list[bytes]]], codepage: str) -> None:
    for pid in (PID_ATTACH_LONG_FILENAME, PID_ATTACH_FILENAME, PID_DISPLAY_NAME):
        if pid in properties and not current["long"]:
            kind, values = properties[pid]
            current["long"] = _string(kind, values[0], codepage) if values else None
    if PID_ATTACH_DATA in properties and current["data"] is None:
        kind, values = properties[PID_ATTACH_DATA]
        if values and kind == PT_OBJECT:
            current["data"] = values[0][16:]  # an interface identifier, then the attached message's TNEF stream
        elif values and kind == PT_BINARY:
            current["data"] = values[0]


def mapi_properties(blob: bytes) -> dict[int, tuple[int, list[bytes]]]:
    """MAPI properties as TNEF writes them: property id -> (type, values). Unknown types end the list early."""
    properties: dict[int, tuple[int, list[bytes]]] = {}
    try:
        (count,) = struct.unpack_from("<I", blob)
        position = 4
        for _ in range(count):
            kind, pid = struct.unpack_from("<HH", blob, position)
            position = _skip_name(blob, position + 4) if pid >= 0x8000 else position + 4
            base = kind & ~MULTIPLE
            if base not in VARIABLE_TYPES and base not in FIXED_SIZES:
                break
            values, position = _values(blob, position, base, bool(kind & MULTIPLE))
            properties[pid] = (base, values)
    except struct.error:
        pass  # a cut-short property list: keep what was read
    return properties


def _skip_name(blob: bytes, position: int) -> int:
    """Skip a named property's GUID and its numeric id or its UTF-16 name."""
    position += 16
    (kind,) = struct.unpack_from("<I", blob, position)
    if kind == 0:
        return position + 8
    (length,) = struct.unpack_from("<I", blob, position + 4)
    return position + 8 + _padded(length)


def _values(blob: bytes, position: int, base: int, multiple: bool) -> tuple[list[bytes], int]:
    count = 1
    if multiple or base in VARIABLE_TYPES:
        (count,) = struct.unpack_from("<I", blob, position)
        position += 4
    values = []
    for _ in range(min(count, len(blob))):
        if base in VARIABLE_TYPES:
            (length,) = struct.unpack_from("<I", blob, position)
            position += 4
        else:
            length = FIXED_SIZES[base]
        if position + length > len(blob):
            raise struct.error("cut short")
        values.append(blob[position : position + length])
        position += _padded(length)
    return values, position


def _padded(length: int) -> int:
    return (length + 3) // 4 * 4


def _string(kind: int, value: bytes, codepage: str) -> str | None:
    if kind == PT_UNICODE:
        return value.decode("utf-16-le", "replace").split("\0", 1)[0]
    if kind == PT_STRING8:
        return value.decode(codepage, "replace").split("\0", 1)[0]
    return None
