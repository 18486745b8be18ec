"""Finding the files a message carries wherever they sit: nested multiparts, forwarded messages, signed content,
zip archives, winmail.dat and attached Outlook messages, each bounded by the mail limits."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import PurePosixPath

from ..archives import check_zip_limits, zip_damage
from ..errors import UnreadableFile
from .cms import CmsError, signed_content
from .items import Attachment, MailLimits, Skipped, Source, reason, safe_name, size_text
from .mime import PARSER, TooBig, forwarded_messages, part_filename, payload_bytes, recovered_multipart
from .outlook import OLE_MAGIC, OLE_OBJECT, REFERENCES, OutlookError, OutlookMessage, is_outlook_message, read_outlook
from .tnef import TnefError, is_tnef, tnef_files

FORWARDED = ("message/rfc822", "message/global")
PKCS7_MIME = ("application/pkcs7-mime", "application/x-pkcs7-mime")
SIGNATURES = ("application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature")
TNEF = ("application/ms-tnef", "application/vnd.ms-tnef")
CALENDAR = ("text/calendar", "application/ics")
VCARD = ("text/vcard", "text/x-vcard", "text/directory")
FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".docx", ".docm", ".doc", ".pdf", ".ods", ".odt", ".json")
OFFICE_SUFFIXES = (".xlsx", ".xlsm", ".docx", ".docm", ".ods", ".odt", ".pptx")
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emz", ".wmz", ".heic")
JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")  # what archivers add beside the files themselves
# Suffixes for parts that name no file, so that the path says what they are.
SUFFIXES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/msword": ".doc",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
    "application/json": ".json",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-tnef": ".dat",
    "application/vnd.ms-outlook": ".msg",
    "text/calendar": ".ics",
    "text/vcard": ".vcf",
    "text/x-vcard": ".vcf",
}


@dataclass(frozen=True)
class Where:
    """Where a part sits: its path so far, how deep, and inside how many archives."""

    path: str
    depth: int = 0
    archives: int = 0

    def deeper(self, path: str | None = None) -> Where:
        return Where(path or self.path, self.depth + 1, self.archives)


@dataclass
class Found:
    """What one message yields, in order, with the counts its limits apply to."""

    source: Source
    limits: MailLimits
    items: list[Attachment | Skipped] = field(default_factory=list)
    _paths: set[str] = field(default_factory=set)
    _files: int = 0

    def path(self, where: Where, name: str) -> str:
        """A path for `name` under `where`, made unique when a message carries two files of one name."""
        candidate, number = f"{where.path}/{name}", 1
        while candidate in self._paths:
            number += 1
            stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
            candidate = f"{where.path}/{stem} ({number}){suffix}"
        self._paths.add(candidate)
        return candidate

    def skip(self, path: str, status: str, why: str) -> None:
        self.items.append(Skipped(path, self.source, status, why))

    def another_file(self, path: str) -> bool:
        """Count one more file; past the limit, say so once and read no more of this message's files."""
        self._files += 1
        if self._files == self.limits.parts_per_message + 1:
            self.skip(path, "rejected", reason("too_many_parts", limit=self.limits.parts_per_message))
        return self._files <= self.limits.parts_per_message


def walk_part(part: Message, where: Where, found: Found) -> None:
    """Every file inside `part`, into `found`; a damaged part is listed with its reason and the others still read."""
    try:
        _walk(part, where, found)
    except MemoryError:
        raise  # the whole message is too much to read, not one damaged part
    except Exception as error:  # one damaged part must not hide the message's other attachments
        found.skip(where.path, "rejected", reason("damaged_part", what=_damage(error)))


def _walk(part: Message, where: Where, found: Found) -> None:
    kind = part.get_content_type()
    if not part.is_multipart():
        if part.get_content_maintype() == "multipart":
            recovered = recovered_multipart(part)
            if recovered is None:
                found.skip(where.path, "rejected", reason("boundary"))
            else:
                walk_part(recovered, where, found)
            return
        _leaf(part, where, found)
        return
    if where.depth + 1 > found.limits.depth:
        found.skip(where.path, "rejected", reason("too_deep", limit=found.limits.depth))
        return
    children = part.get_payload()
    if kind in FORWARDED:
        # The forwarded message and the part that wraps it are one level: the message's own multipart counts.
        path = found.path(where, safe_name(part_filename(part), "forwarded.eml"))
        for child in forwarded_messages(part):
            walk_part(child, replace(where, path=path), found)
    elif kind == "multipart/encrypted":
        found.skip(where.path, "rejected", reason("encrypted_pgp"))
    elif kind == "multipart/report":
        receipt = part.get_param("report-type", "", header="content-type") == "disposition-notification"
        found.skip(where.path, "ignored", reason("receipt") if receipt else reason("bounce", whom=""))
    elif part.get_content_maintype() == "multipart":
        # multipart/signed: the first part is the signed content, the second the signature itself.
        for child in children[:1] if kind == "multipart/signed" else children:
            walk_part(child, where.deeper(), found)
    # Other message/* types (delivery status blocks, external bodies) hold no files.


def _leaf(part: Message, where: Where, found: Found) -> None:
    kind = part.get_content_type()
    filename = part_filename(part)
    listed = bool(filename) or part.get_content_disposition() == "attachment"
    if kind in PKCS7_MIME:
        _smime(part, where, found)
        return
    if kind in SIGNATURES or (not listed and kind.startswith(("text/", "image/"))):
        return  # message bodies, inline pictures without a name, and signatures are not files anyone sent
    name = safe_name(filename, "attachment" + SUFFIXES.get(kind, ".bin"))
    ignored = "calendar" if kind in CALENDAR else "vcard" if kind in VCARD else None
    if ignored:
        found.skip(found.path(where, name), "ignored", reason(ignored))
        return
    path = found.path(where, name)
    try:
        data = payload_bytes(part, found.limits.attachment_bytes)
    except TooBig as error:
        _too_big(path, error.size, found)
        return
    consider(name, data, path, where, found, kind)


def _smime(part: Message, where: Where, found: Found) -> None:
    smime_type = str(part.get_param("smime-type", "", header="content-type")).lower()
    if smime_type in ("enveloped-data", "authenveloped-data"):
        found.skip(where.path, "rejected", reason("encrypted_smime"))
    elif smime_type == "compressed-data":
        found.skip(where.path, "rejected", reason("compressed_smime"))
    else:
        try:
            data = payload_bytes(part, found.limits.message_bytes)
        except TooBig as error:
            _too_big(where.path, error.size, found)
            return
        _signed(data, where.path, where.deeper(), found)


def consider(name: str, data: bytes, path: str, where: Where, found: Found, declared: str = "") -> None:
    """A file found in a message: a form to import, a container to open, or something to list as ignored."""
    if not found.another_file(path):
        return
    kind = file_kind(name, data, declared)
    if kind == "form":
        found.items.append(Attachment(path, name, data, found.source))
    elif kind in ("picture", "other"):
        found.skip(path, "ignored", reason("picture", name=name) if kind == "picture" else reason("not_form"))
    elif where.depth + 1 > found.limits.depth:
        found.skip(path, "rejected", reason("too_deep", limit=found.limits.depth))
    else:
        opener = {"archive": _archive, "tnef": _tnef, "outlook": _outlook_file, "message": _message_file, "cms": _signed}
        opener[kind](data, path, where.deeper(path), found)


def file_kind(name: str, data: bytes, declared: str = "") -> str:
    """What a found file is, by its content first and its name and declared type after."""
    lower, head = name.lower(), data[:1024]
    if is_tnef(data) or declared in TNEF or lower == "winmail.dat":
        return "tnef"
    if head.startswith(OLE_MAGIC):
        if is_outlook_message(data) or lower.endswith(".msg") or declared == "application/vnd.ms-outlook":
            return "outlook"
        return "form"  # an old .xls or .doc: the importer explains what to do
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "form" if lower.endswith(OFFICE_SUFFIXES) or _office_package(data) else "archive"
    if b"%PDF-" in head:
        return "form"
    if declared in PKCS7_MIME or lower.endswith(".p7m"):
        return "cms" if head[:1] == b"\x30" else "message"  # DER, or the MIME entity Outlook keeps in smime.p7m
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] == b"{" and (lower.endswith(".json") or b'"aitk"' in data[:4096]):
        return "form"
    if declared in FORWARDED or lower.endswith(".eml"):
        return "message"
    if declared.startswith("image/") or lower.endswith(PICTURE_SUFFIXES):
        return "picture"
    return "form" if lower.endswith(FORM_SUFFIXES) else "other"  # a damaged form still deserves the importer's reason


def _office_package(data: bytes) -> bool:
    """A zip that is an Office or OpenDocument file, whatever its name says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except Exception:  # a probe: whatever zipfile raises, this is not an Office file, and _archive says why
        return False
    return "[Content_Types].xml" in names or "mimetype" in names


def _archive(data: bytes, path: str, inner: Where, found: Found) -> None:
    if inner.archives > found.limits.archives_in_archives:
        found.skip(path, "rejected", reason("archive_nested", limit=found.limits.archives_in_archives))
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        check_zip_limits(infos)
    except UnreadableFile as error:
        found.skip(path, "rejected", reason("archive", what=str(error)))
        return
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        found.skip(path, "rejected", reason("archive", what=f"it is damaged ({zip_damage(error)})"))
        return
    inner = replace(inner, archives=inner.archives + 1)
    with archive:
        for info in infos:
            if not info.is_dir() and not info.filename.startswith(JUNK[0]) and PurePosixPath(info.filename).name not in JUNK:
                _archive_entry(archive, info, inner, found)


def _archive_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, inner: Where, found: Found) -> None:
    folders = [safe_name(p, "_") for p in info.filename.replace("\\", "/").split("/")[:-1] if p not in ("", ".", "..")]
    where = replace(inner, path="/".join([inner.path, *folders]))
    name = safe_name(info.filename, "file")
    path = found.path(where, name)
    limit = found.limits.attachment_bytes
    if info.file_size > limit:
        _too_big(path, info.file_size, found)
        return
    try:
        with archive.open(info) as stream:
            data = stream.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError) as error:
        found.skip(path, "rejected", reason("archive", what=f"its part '{name}' is damaged ({zip_damage(error)})"))
        return
    if len(data) > limit:
        _too_big(path, len(data), found)
        return
    consider(name, data, path, where, found)


def _tnef(data: bytes, path: str, inner: Where, found: Found) -> None:
    try:
        files = tnef_files(data, found.limits.parts_per_message)
    except TnefError as error:
        found.skip(path, "rejected", reason("damaged_tnef", what=str(error)))
        return
    if not files:
        found.skip(path, "ignored", reason("empty_tnef"))
    for file in files:
        name = safe_name(file.name, "attachment.bin")
        child = found.path(inner, name)
        if len(file.data) > found.limits.attachment_bytes:
            _too_big(child, len(file.data), found)
        else:
            consider(name, file.data, child, inner, found)


def _outlook_file(data: bytes, path: str, inner: Where, found: Found) -> None:
    limits = found.limits
    try:
        message = read_outlook(data, limits.attachment_bytes, limits.depth - inner.depth, limits.parts_per_message)
    except OutlookError as error:
        found.skip(path, "rejected", reason("damaged_msg", what=str(error)))
        return
    walk_outlook(message, inner, found)


def walk_outlook(message: OutlookMessage, where: Where, found: Found) -> None:
    """Every file attached to an Outlook message, its attached messages included."""
    for attachment in message.attachments:
        subject = attachment.embedded.subject if attachment.embedded else None
        name = safe_name(attachment.name, safe_name(subject, "message") + ".msg" if attachment.embedded else "attachment.bin")
        path = found.path(where, name)
        if attachment.problem == "too_deep" or (attachment.embedded and where.depth + 1 > found.limits.depth):
            found.skip(path, "rejected", reason("too_deep", limit=found.limits.depth))
        elif attachment.problem == "too_big":
            _too_big(path, attachment.size, found)
        elif attachment.embedded is not None:
            walk_outlook(attachment.embedded, where.deeper(path), found)
        elif attachment.data is not None:
            consider(name, attachment.data, path, where, found, attachment.mime or "")
        elif attachment.method == OLE_OBJECT:
            found.skip(path, "ignored", reason("ole_object"))
        elif attachment.method in REFERENCES:
            found.skip(path, "ignored", reason("reference"))
        else:
            found.skip(path, "rejected", reason("damaged_msg", what="the attachment's data is missing"))


def _signed(data: bytes, path: str, inner: Where, found: Found) -> None:
    try:
        content = signed_content(data)
    except CmsError as error:
        names = {"encrypted": "encrypted_smime", "compressed": "compressed_smime"}
        found.skip(path, "rejected", reason(names.get(error.kind, "signed_unreadable"), what=str(error)))
        return
    walk_part(PARSER.parsebytes(content), inner, found)


def _message_file(data: bytes, path: str, inner: Where, found: Found) -> None:
    walk_part(PARSER.parsebytes(data), inner, found)


def _too_big(path: str, size: int, found: Found) -> None:
    limit = size_text(found.limits.attachment_bytes)
    found.skip(path, "rejected", reason("attachment_too_big", size=size_text(size), limit=limit))


def _damage(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "its parts nest too deeply"
    return type(error).__name__
