"""Mail the tests build themselves: messages with attachments, mboxes, Maildirs, winmail.dat (TNEF) streams made to
[MS-OXTNEF], and Outlook .msg files made to [MS-OXMSG] inside a compound file written to [MS-CFB].

Outlook itself cannot run here, so the .msg and TNEF files follow the published structures; no binary comes from
elsewhere.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from aitk_forms.mail import Attachment, Skipped, read_mail

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ATTACHED = b"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; "  # parameters follow


def tiny_xlsx(marker: str = "unit") -> bytes:
    """A small zip laid out like a workbook; the mail layer never parses it, the importer would."""
    types = b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    return zipped({"[Content_Types].xml": types, "xl/workbook.xml": f"<workbook><!-- {marker} --></workbook>".encode()})


def tiny_docx() -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<document/>"})


def tiny_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def zipped(files: dict[str, bytes]) -> bytes:
    """A zip archive of `files`, the same bytes every time (a fixed date on every entry)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 3, 3, 10, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def mail(
    attachments: list[tuple[str | None, bytes, str]] = (),
    *,
    subject: str = "Returned form",
    sender: str = "Unit Seven <unit7@agency.example>",
    message_id: str | None = "<m1@agency.example>",
    date: datetime | None = datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
    headers: dict[str, str] | None = None,
    body: str = "Please find the form attached.",
) -> EmailMessage:
    """A message as a mail program sends it: a text body and attachments (name, bytes, content type)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "coordinator@ministry.example"
    message["Subject"] = subject
    if date:
        message["Date"] = format_datetime(date)
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def found(path: Path, **options) -> tuple[list[Attachment], list[Skipped]]:
    items = list(read_mail(path, **options))
    return [i for i in items if isinstance(i, Attachment)], [i for i in items if isinstance(i, Skipped)]


def paths(items) -> list[str]:
    return [i.path for i in items]


def raw_message(parts: list[bytes], headers: bytes = b"Subject: form\r\nMessage-ID: <raw@agency.example>\r\n") -> bytes:
    """A multipart/mixed message from part headers and bodies given as raw bytes."""
    body = b"".join(b"--sep\r\n" + part + b"\r\n" for part in parts)
    return headers + b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=sep\r\n\r\n" + body + b"--sep--\r\n"


def base64_part(headers: bytes, data: bytes) -> bytes:
    return headers + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(data)


def mbox(messages: list[bytes]) -> bytes:
    """An mbox as mail programs keep one: a postmark line before each message, ">From " quoting, an empty line after."""
    out = []
    for raw in messages:
        out.append(b"From unit7@agency.example Tue Mar  3 10:00:00 2026\n")
        for line in raw.replace(b"\r\n", b"\n").splitlines(keepends=True):
            out.append(b">" + line if line.lstrip(b">").startswith(b"From ") else line)
        out.append(b"\n" if raw.endswith(b"\n") else b"\n\n")
    return b"".join(out)


# ---- TNEF ([MS-OXTNEF]) -------------------------------------------------------------------------------------------


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def _mapi_value(kind: int, pid: int, value: bytes) -> bytes:
    padded = value + b"\0" * (-len(value) % 4)
    return struct.pack("<HHII", kind, pid, 1, len(value)) + padded


def tnef(files: list[tuple[str, bytes, str | None]], codepage: int = 1252, embedded: bytes | None = None) -> bytes:
    """A winmail.dat: each file as (8-bit title, bytes, long file name or None); `embedded` a TNEF stream of an
    attached message."""
    out = [b"\x78\x9f\x3e\x22", struct.pack("<H", 0x0001)]
    out.append(_tnef_attribute(1, 0x00089006, struct.pack("<I", 0x00010000)))  # attTnefVersion
    out.append(_tnef_attribute(1, 0x00069007, struct.pack("<II", codepage, 0)))  # attOemCodepage
    out.append(_tnef_attribute(1, 0x00078008, b"IPM.Microsoft Mail.Note\0"))  # attMessageClass
    out.append(_tnef_attribute(1, 0x00018004, b"Returned form\0"))  # attSubject
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
    for title, data, long_name in files:
        out.append(_tnef_attribute(2, 0x00069002, rend))  # attAttachRendData
        out.append(_tnef_attribute(2, 0x00018010, title.encode(f"cp{codepage}") + b"\0"))  # attAttachTitle
        out.append(_tnef_attribute(2, 0x0006800F, data))  # attAttachData
        if long_name:
            props = struct.pack("<I", 1) + _mapi_value(0x001F, 0x3707, (long_name + "\0").encode("utf-16-le"))
            out.append(_tnef_attribute(2, 0x00069005, props))  # attAttachment
    if embedded is not None:
        out.append(_tnef_attribute(2, 0x00069002, rend))
        out.append(_tnef_attribute(2, 0x00018010, b"Fwd: form\0"))
        method = struct.pack("<HHI", 0x0003, 0x3705, 5)  # PidTagAttachMethod = embedded message
        obj = _mapi_value(0x000D, 0x3701, b"\x0b\x0d\x02\x00" + b"\0" * 12 + embedded)  # IID, then the message
        out.append(_tnef_attribute(2, 0x00069005, struct.pack("<I", 2) + method + obj))
    return b"".join(out)


# ---- Compound file ([MS-CFB], version 3) ---------------------------------------------------------------------------

SECTOR, MINI_SECTOR, CUTOFF = 512, 64, 4096
FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(tree: dict) -> bytes:
    """A compound file holding `tree`: name -> bytes (a stream) or dict (a storage). Small streams go in the mini
    stream, as the specification requires; siblings form a balanced binary search tree (all nodes black)."""
    entries: list[dict] = [{"name": "Root Entry", "type": 5, "data": None, "children": tree}]
    index = 0
    while index < len(entries):
        children = entries[index].get("children") or {}
        ids = []
        for name, value in children.items():
            is_storage = isinstance(value, dict)
            ids.append(len(entries))
            entries.append(
                {
                    "name": name,
                    "type": 1 if is_storage else 2,
                    "data": None if is_storage else value,
                    "children": value if is_storage else None,
                }
            )
        ordered = sorted(ids, key=lambda i: (len(entries[i]["name"]), entries[i]["name"].upper()))
        entries[index]["child"] = _balanced(entries, ordered)
        index += 1
    mini, mini_fat = bytearray(), []
    for entry in entries:
        data = entry["data"]
        if entry["type"] == 2 and 0 < len(data) < CUTOFF:
            count = -(-len(data) // MINI_SECTOR)
            entry["start"] = len(mini) // MINI_SECTOR
            mini_fat += [entry["start"] + i + 1 for i in range(count - 1)] + [END]
            mini += data + b"\0" * (count * MINI_SECTOR - len(data))
    return _layout(entries, bytes(mini), mini_fat)


def _balanced(entries: list[dict], ordered: list[int]) -> int:
    if not ordered:
        return NO_STREAM
    middle = len(ordered) // 2
    node = entries[ordered[middle]]
    node["left"] = _balanced(entries, ordered[:middle])
    node["right"] = _balanced(entries, ordered[middle + 1 :])
    return ordered[middle]


def _sectors(data: bytes) -> int:
    return -(-len(data) // SECTOR)


def _layout(entries: list[dict], mini: bytes, mini_fat: list[int]) -> bytes:
    directory_sectors = -(-len(entries) // 4)
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat)
    big = [e for e in entries if e["type"] == 2 and len(e["data"]) >= CUTOFF]
    content = directory_sectors + _sectors(mini_fat_bytes) + _sectors(mini) + sum(_sectors(e["data"]) for e in big)
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + content:
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    blobs: list[bytes] = []

    def place(data: bytes) -> int:
        if not data:
            return END
        start, count = len(fat), _sectors(data)
        fat.extend([start + i + 1 for i in range(count - 1)] + [END])
        blobs.append(data + b"\0" * (count * SECTOR - len(data)))
        return start

    directory_start = len(fat)
    fat.extend([directory_start + i + 1 for i in range(directory_sectors - 1)] + [END])
    mini_fat_start = place(mini_fat_bytes)
    entries[0]["start"], entries[0]["size"] = place(mini), len(mini)
    for entry in big:
        entry["start"] = place(entry["data"])
    directory = b"".join(_directory_entry(e) for e in entries)
    directory += b"".join(_directory_entry(None) for _ in range(directory_sectors * 4 - len(entries)))
    fat += [FREE] * (fat_sectors * 128 - len(fat))
    header = _header(fat_sectors, directory_start, mini_fat_start, _sectors(mini_fat_bytes))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + fat_bytes + directory + b"".join(blobs)


def _header(fat_sectors: int, directory_start: int, mini_fat_start: int, mini_fat_sectors: int) -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    head += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + b"\0" * 6
    head += struct.pack("<IIIIIIIII", 0, fat_sectors, directory_start, 0, CUTOFF, mini_fat_start, mini_fat_sectors, END, 0)
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    return head + b"".join(struct.pack("<I", v) for v in difat)


def _directory_entry(entry: dict | None) -> bytes:
    if entry is None:
        return b"\0" * 64 + struct.pack("<HBBIII", 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM) + b"\0" * 48
    name = entry["name"].encode("utf-16-le") + b"\0\0"
    data = entry["data"] or b""
    size = entry.get("size", len(data))
    start = entry.get("start", 0 if entry["type"] == 1 else END)
    fields = struct.pack(
        "<HBBIII", len(name), entry["type"], 1, entry.get("left", NO_STREAM), entry.get("right", NO_STREAM), entry["child"]
    )
    return name.ljust(64, b"\0") + fields + b"\0" * 16 + struct.pack("<IQQIQ", 0, 0, 0, start, size)


# ---- Outlook message ([MS-OXMSG]) ----------------------------------------------------------------------------------

PT_LONG, PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_BINARY, PT_OBJECT = 0x0003, 0x001E, 0x001F, 0x0040, 0x0102, 0x000D


def _filetime(moment: datetime) -> bytes:
    delta = moment - datetime(1601, 1, 1, tzinfo=UTC)
    return struct.pack("<Q", (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10)


def _properties(header: bytes, fixed: dict[int, tuple[int, bytes]], variable: dict[int, tuple[int, bytes]]) -> bytes:
    rows = [struct.pack("<HHI", kind, pid, 6) + value.ljust(8, b"\0") for pid, (kind, value) in fixed.items()]
    rows += [struct.pack("<HHIII", kind, pid, 6, len(value), 0) for pid, (kind, value) in variable.items()]
    return header + b"".join(rows)


def _streams(variable: dict[int, tuple[int, bytes]]) -> dict:
    return {f"__substg1.0_{pid:04X}{kind:04X}": value for pid, (kind, value) in variable.items() if kind != PT_OBJECT}


def _text(value: str, unicode: bool = True) -> tuple[int, bytes]:
    return (PT_UNICODE, (value + "\0").encode("utf-16-le")) if unicode else (PT_STRING8, value.encode("cp1252") + b"\0")


def outlook_storage(
    subject: str,
    attachments: list[dict],
    *,
    sender: tuple[str, str] = ("Unit Seven", "unit7@agency.example"),
    message_id: str | None = "<msg1@agency.example>",
    sent: datetime | None = datetime(2026, 3, 3, 10, 0, tzinfo=UTC),
    embedded: bool = False,
    unicode: bool = True,
) -> dict:
    """The storages and streams of one Outlook message. An attachment is {"name", "data"} for a file or
    {"name", "message": <another outlook_storage(embedded=True)>} for an attached message."""
    fixed = {0x3FFD: (PT_LONG, struct.pack("<I", 1252))}
    if sent:
        fixed[0x0039] = (PT_SYSTIME, _filetime(sent))
    variable = {0x001A: _text("IPM.Note", unicode), 0x0037: _text(subject, unicode), 0x0C1A: _text(sender[0], unicode)}
    variable |= {0x0C1F: _text(sender[1], unicode), 0x5D01: _text(sender[1], unicode)}
    if message_id:
        variable[0x1035] = _text(message_id, unicode)
    count = len(attachments)
    header = b"\0" * 8 + struct.pack("<IIII", 1, count, 1, count) + (b"" if embedded else b"\0" * 8)
    tree: dict = {"__properties_version1.0": _properties(header, fixed, variable), **_streams(variable)}
    tree["__recip_version1.0_#00000000"] = {
        "__properties_version1.0": _properties(
            b"\0" * 8, {0x3000: (PT_LONG, b"\0" * 4)}, {0x39FE: _text("coordinator@ministry.example")}
        ),
        **_streams({0x39FE: _text("coordinator@ministry.example")}),
    }
    if not embedded:
        tree["__nameid_version1.0"] = {f"__substg1.0_000{n}0102": b"" for n in (2, 3, 4)}
    for number, attachment in enumerate(attachments):
        tree[f"__attach_version1.0_#{number:08X}"] = _attachment_storage(number, attachment, unicode)
    return tree


def _attachment_storage(number: int, attachment: dict, unicode: bool) -> dict:
    method = 5 if "message" in attachment else 1
    fixed = {0x3705: (PT_LONG, struct.pack("<I", method)), 0x0E21: (PT_LONG, struct.pack("<I", number))}
    variable = {0x3707: _text(attachment["name"], unicode), 0x3704: _text(attachment["name"][:8], unicode)}
    if "message" in attachment:
        variable[0x3701] = (PT_OBJECT, b"")
    else:
        variable[0x3701] = (PT_BINARY, attachment["data"])
    storage = {"__properties_version1.0": _properties(b"\0" * 8, fixed, variable), **_streams(variable)}
    if "message" in attachment:
        storage["__substg1.0_3701000D"] = attachment["message"]
    return storage


def outlook_msg(subject: str, attachments: list[dict], **options) -> bytes:
    """A .msg file as Outlook saves one (File > Save As > Outlook Message Format - Unicode)."""
    return compound_file(outlook_storage(subject, attachments, **options))
