"""Reading MIME headers and parts defensively: raw 8-bit headers, encoded names, bounded decoding and damaged
boundaries. The email package does the parsing; these functions cover what it leaves to its caller."""

from __future__ import annotations

import binascii
import codecs
import quopri
import re
from collections import Counter
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser

# compat32 reads structure at a tenth of the cost of policy.default, whose header objects dominate a mailbox's
# reading time; the headers that matter are decoded here (RFC 2047 and 2231, raw 8-bit bytes).
PARSER = BytesParser(policy=policy.compat32)

_SURROGATES = re.compile("[\udc80-\udcff]")
_WHITESPACE = re.compile(r"\s+")
_BOUNDARY_PARAM = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.IGNORECASE)
_DELIMITER = re.compile(rb"^--([^\r\n]{1,200}?)(--)?[ \t]*\r?$", re.MULTILINE)
_TEXT_DELIMITER = re.compile(r"^--([0-9A-Za-z'()+_,./:=? -]{1,70}?)(--)?[ \t]*\r?$", re.MULTILINE)


class TooBig(Exception):
    """A part decodes to more bytes than allowed; `size` is how many (estimated before decoding when it is huge)."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def decode_8bit(data: bytes) -> str:
    """Header bytes that were never encoded: UTF-8 when they are valid UTF-8, else Windows' Western code page."""
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def codepage_codec(number: int, default: str) -> str:
    """Python's codec for a Windows code page number (1252, 65001), or `default` when Python has none."""
    name = "utf-8" if number == 65001 else f"cp{number}"
    try:
        codecs.lookup(name)
    except LookupError:
        return default
    return name


def raw_header(part: Message, name: str) -> str | None:
    """A header's value as the message spelled it, 8-bit bytes kept as surrogates."""
    for key, value in part.raw_items():
        if key.lower() == name:
            return str(value)
    return None


def _redecoded(value: str) -> str:
    """Undo the email package's ASCII-with-surrogates reading of raw 8-bit header bytes."""
    if _SURROGATES.search(value):
        return decode_8bit(value.encode("utf-8", "surrogateescape"))
    return value


def clean_text(text: str, limit: int = 300) -> str:
    """Header text fit to show: one line, no control characters, not too long."""
    text = _WHITESPACE.sub(" ", text).strip()
    text = "".join(c for c in text if c.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header_text(part: Message, name: str, limit: int = 300) -> str | None:
    """A header decoded for people (RFC 2047 words, raw UTF-8 or Latin-1 bytes), or None when absent."""
    raw = raw_header(part, name)
    if raw is None:
        return None
    if _SURROGATES.search(raw):
        text = _redecoded(raw)
    else:
        text = decode_words(raw)
    return clean_text(text, limit) or None


def decode_words(text: str) -> str:
    """RFC 2047 encoded words decoded, or the text as it was when they are malformed."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (HeaderParseError, LookupError, UnicodeError, ValueError, TypeError):
        return text


def part_filename(part: Message) -> str | None:
    """The file name a part declares (RFC 2231 parameters, RFC 2047 words even inside quotes, raw 8-bit bytes)."""
    headers = {name: raw_header(part, name) for name in ("content-disposition", "content-type")}
    if any(value and _SURROGATES.search(value) for value in headers.values()):
        # The email package reads raw 8-bit names as U+FFFD: give it the text re-decoded instead.
        helper = Message()
        for name, value in headers.items():
            if value is not None:
                helper[name] = _redecoded(value)
        part = helper
    name = part.get_filename()
    return decode_words(name) if name else None


def payload_bytes(part: Message, limit: int) -> bytes:
    """A leaf part's decoded content, refused (TooBig) before decoding when its encoded size already says too much."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return b""
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    estimate = len(payload)
    if encoding == "base64":
        estimate = (len(payload) - payload.count("\n") - payload.count("\r")) * 3 // 4
    if estimate > limit:
        raise TooBig(estimate)
    data = part.get_payload(decode=True) or b""
    if len(data) > limit:
        raise TooBig(len(data))
    return data


def forwarded_messages(part: Message) -> list[Message]:
    """The message a message/rfc822 part wraps. Some servers encode it in base64, which the email package does not
    undo: it reads the encoded text as a message without headers."""
    children = part.get_payload()
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable") and len(children) == 1 and not children[0].keys():
        text = children[0].get_payload()
        if isinstance(text, str):
            encoded = text.encode("utf-8", "surrogateescape")
            data = binascii.a2b_base64(encoded) if encoding == "base64" else quopri.decodestring(encoded)
            return [PARSER.parsebytes(data)]
    return children


def count_parts(message: Message, stop: int) -> int:
    """How many MIME parts a parsed message has (counting stops just past `stop`), without recursion."""
    stack, count = [message], 0
    while stack and count <= stop:
        part = stack.pop()
        count += 1
        if part.is_multipart():
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(payload)
    return count


def delimiter_count(raw: bytes, stop: int) -> int:
    """Parts a raw message opens with its declared boundaries (counting stops past `stop`), read before parsing:
    the email package would otherwise build every one of a hostile message's parts first."""
    boundaries = set()
    for match in _BOUNDARY_PARAM.finditer(raw):
        boundaries.add(match.group(1) or match.group(2))
        if len(boundaries) > stop:
            return len(boundaries)
    count = 0
    for match in _DELIMITER.finditer(raw):
        if match.group(2) is None and match.group(1) in boundaries:
            count += 1
            if count > stop:
                break
    return count


def recovered_multipart(part: Message) -> Message | None:
    """A multipart whose declared boundary is missing or wrong, parsed again with the delimiter its body uses."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return None
    openings = Counter(m.group(1) for m in _TEXT_DELIMITER.finditer(payload) if m.group(2) is None)
    if not openings:
        return None
    boundary = openings.most_common(1)[0][0]
    head = f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\r\n\r\n'.encode("ascii", "replace")
    recovered = PARSER.parsebytes(head + payload.encode("utf-8", "surrogateescape"))
    return recovered if recovered.is_multipart() and recovered.get_payload() else None


def failed_recipients(report: Message, most: int = 3) -> list[str]:
    """The addresses a delivery status report says could not be reached (Final-Recipient fields)."""
    found: list[str] = []
    stack = [report]
    while stack and len(found) < most:
        part = stack.pop()
        payload = part.get_payload()
        if part.get_content_type() == "message/delivery-status" and isinstance(payload, list):
            for block in payload:
                value = header_text(block, "final-recipient") or header_text(block, "original-recipient")
                if value and len(found) < most:
                    found.append(value.split(";", 1)[-1].strip())
        elif part.is_multipart() and isinstance(payload, list):
            stack.extend(reversed(payload))
    return found
