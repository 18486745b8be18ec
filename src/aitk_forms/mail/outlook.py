"""Outlook .msg files read to the published [MS-OXMSG] structure through olefile (BSD licence).

A .msg is an OLE compound file: fixed-size properties in `__properties_version1.0`, the others in
`__substg1.0_<id><type>` streams, each attachment in a `__attach_version1.0_#<n>` storage, and an attached
Outlook message in that storage's `__substg1.0_3701000D` storage, with the same layout again.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import olefile

from .mime import codepage_codec

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PROPERTIES = "__properties_version1.0"
ATTACHMENT_PREFIX = "__attach_version1.0_#"
EMBEDDED = "__substg1.0_3701000D"
HEADER_TOP, HEADER_EMBEDDED, HEADER_ATTACHMENT = 32, 24, 8
PT_LONG, PT_BOOLEAN, PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_BINARY = 0x0003, 0x000B, 0x001E, 0x001F, 0x0040, 0x0102
PROPERTY_STREAM_BYTES = 1024 * 1024  # 16 bytes a property: far more properties than any message has

SUBJECT, MESSAGE_CLASS, SUBMIT_TIME, DELIVERY_TIME = 0x0037, 0x001A, 0x0039, 0x0E06
SENDER_NAME, SENDER_ADDRESS, SENDER_SMTP, INTERNET_ID = 0x0C1A, 0x0C1F, 0x5D01, 0x1035
CODEPAGE, INTERNET_CODEPAGE = 0x3FFD, 0x3FDE
ATTACH_DATA, ATTACH_FILENAME, ATTACH_LONG_FILENAME, ATTACH_METHOD, ATTACH_MIME, DISPLAY_NAME = (
    0x3701,
    0x3704,
    0x3707,
    0x3705,
    0x370E,
    0x3001,
)
BY_VALUE, EMBEDDED_MESSAGE, OLE_OBJECT = 1, 5, 6
REFERENCES = (2, 3, 4, 7)  # attached by reference: a path or link to a file kept elsewhere


class OutlookError(ValueError):
    """Not an Outlook message, or a damaged one; the message says how, in words."""


@dataclass(frozen=True)
class OutlookAttachment:
    name: str | None
    mime: str | None
    method: int
    data: bytes | None
    embedded: OutlookMessage | None
    problem: str | None = None  # "too_big" (with `size`), "too_deep" or "missing": what kept it from being read
    size: int = 0


@dataclass(frozen=True)
class OutlookMessage:
    subject: str | None
    sender: str | None
    date: str | None
    message_id: str | None
    message_class: str | None
    attachments: tuple[OutlookAttachment, ...]


@dataclass(frozen=True)
class _Bounds:
    attachment_bytes: int
    depth: int
    attachments: int
    file_bytes: int


def is_outlook_message(data: bytes) -> bool:
    """Whether `data` is an OLE file laid out as an Outlook message."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return _is_message(ole)
    except Exception:  # olefile raises many kinds of error on files that are not OLE
        return False


def _is_message(ole: olefile.OleFileIO) -> bool:
    return ole.exists(PROPERTIES) and any(entry[0].startswith("__substg1.0_") for entry in ole.listdir())


def read_outlook(data: bytes, attachment_bytes: int, depth: int, attachments: int) -> OutlookMessage:
    """The message in `data` with its attachments; OutlookError when it is not one or is damaged."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # olefile's errors name the structure, not the problem
        raise OutlookError("it is cut short or corrupt") from None
    with ole:
        if not _is_message(ole):
            raise OutlookError("an OLE file that is not an Outlook message")
        try:
            return _message(ole, [], HEADER_TOP, _Bounds(attachment_bytes, depth, attachments, len(data)), 0)
        except Exception:  # olefile raises many kinds of error on a damaged directory or chain of sectors
            raise OutlookError("its internal structure is broken") from None


def _message(ole: olefile.OleFileIO, base: list[str], header: int, bounds: _Bounds, depth: int) -> OutlookMessage:
    fixed = _fixed_properties(ole, base, header)
    codepage = "cp1252"
    for pid in (INTERNET_CODEPAGE, CODEPAGE):
        if pid in fixed and fixed[pid][0] == PT_LONG:
            codepage = codepage_codec(struct.unpack_from("<I", fixed[pid][1])[0], codepage)

    def text(pid: int) -> str | None:
        return _string(ole, base, pid, codepage)

    address = text(SENDER_SMTP) or (text(SENDER_ADDRESS) if "@" in (text(SENDER_ADDRESS) or "") else None)
    name = text(SENDER_NAME)
    sender = f"{name} <{address}>" if name and address and name != address else address or name
    storages = sorted({entry[len(base)] for entry in ole.listdir(streams=True, storages=True) if _under(entry, base)})
    attached = [s for s in storages if s.startswith(ATTACHMENT_PREFIX)][: bounds.attachments]
    return OutlookMessage(
        subject=text(SUBJECT),
        sender=sender,
        date=_time(fixed.get(SUBMIT_TIME) or fixed.get(DELIVERY_TIME)),
        message_id=text(INTERNET_ID),
        message_class=text(MESSAGE_CLASS),
        attachments=tuple(_attachment(ole, [*base, storage], codepage, bounds, depth) for storage in attached),
    )


def _attachment(ole: olefile.OleFileIO, base: list[str], codepage: str, bounds: _Bounds, depth: int) -> OutlookAttachment:
    fixed = _fixed_properties(ole, base, HEADER_ATTACHMENT)
    method = struct.unpack_from("<I", fixed[ATTACH_METHOD][1])[0] if ATTACH_METHOD in fixed else BY_VALUE
    names = (_string(ole, base, pid, codepage) for pid in (ATTACH_LONG_FILENAME, ATTACH_FILENAME, DISPLAY_NAME))
    name = next(filter(None, names), None)
    mime = _string(ole, base, ATTACH_MIME, codepage)
    if ole.exists("/".join([*base, EMBEDDED])):
        if depth + 1 > bounds.depth:
            return OutlookAttachment(name, mime, method, None, None, "too_deep")
        embedded = _message(ole, [*base, EMBEDDED], HEADER_EMBEDDED, bounds, depth + 1)
        return OutlookAttachment(name, mime, method, None, embedded)
    stream = "/".join([*base, f"__substg1.0_{ATTACH_DATA:04X}{PT_BINARY:04X}"])
    if not ole.exists(stream):
        return OutlookAttachment(name, mime, method, None, None, "missing")
    size = ole.get_size(stream)
    if size > bounds.file_bytes:
        raise OutlookError("an attachment claims more bytes than the whole file holds")
    if size > bounds.attachment_bytes:
        return OutlookAttachment(name, mime, method, None, None, "too_big", size)
    return OutlookAttachment(name, mime, method, _read(ole, stream, bounds.attachment_bytes), None, size=size)


def _under(entry: list[str], base: list[str]) -> bool:
    return len(entry) > len(base) and entry[: len(base)] == base


def _fixed_properties(ole: olefile.OleFileIO, base: list[str], header: int) -> dict[int, tuple[int, bytes]]:
    """Property id -> (type, the 8 bytes of its value) from a storage's property stream."""
    stream = "/".join([*base, PROPERTIES])
    if not ole.exists(stream):
        return {}
    blob = _read(ole, stream, PROPERTY_STREAM_BYTES)
    properties = {}
    for offset in range(header, len(blob) - 15, 16):
        kind, pid = struct.unpack_from("<HH", blob, offset)
        properties[pid] = (kind, blob[offset + 8 : offset + 16])
    return properties


def _string(ole: olefile.OleFileIO, base: list[str], pid: int, codepage: str) -> str | None:
    for kind, codec in ((PT_UNICODE, "utf-16-le"), (PT_STRING8, codepage)):
        stream = "/".join([*base, f"__substg1.0_{pid:04X}{kind:04X}"])
        if ole.exists(stream):
            text = _read(ole, stream, 64 * 1024).decode(codec, "replace").split("\0", 1)[0].strip()
            return text or None
    return None


def _read(ole: olefile.OleFileIO, stream: str, limit: int) -> bytes:
    with ole.openstream(stream) as handle:
        return handle.read(limit)


def _time(entry: tuple[int, bytes] | None) -> str | None:
    """A FILETIME (100-nanosecond intervals since 1601) as ISO 8601."""
    if entry is None or entry[0] != PT_SYSTIME:
        return None
    (ticks,) = struct.unpack("<Q", entry[1])
    try:
        return (datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=ticks // 10)).isoformat()
    except OverflowError:
        return None
