"""Read returned forms straight from an IMAP folder, read-only: EXAMINE, UID SEARCH and BODY.PEEK, so no flag changes.

Only `imaps://` (IMAP over TLS) is spoken. The password comes from AITK_IMAP_PASSWORD, never from the URL; a private
certificate authority is trusted through SSL_CERT_FILE, which `ssl.create_default_context()` reads.
"""

from __future__ import annotations

import base64
import binascii
import imaplib
import os
import re
import ssl
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import quote, unquote, urlsplit

from .tls import untrusted_certificate

DEFAULT_PORT = 993
PASSWORD_VARIABLE = "AITK_IMAP_PASSWORD"
FETCH_BATCH = 25  # messages per UID FETCH: few round trips, yet a batch of returned forms stays small in memory
TIMEOUT_SECONDS = 60.0

_SHIFTED = re.compile(r"&([A-Za-z0-9+,]*)-")
_UID = re.compile(rb"\bUID (\d+)")
_LIST_LINE = re.compile(rb'^\((?P<flags>[^)]*)\) (?P<delimiter>"(?:\\.|[^"\\])*"|NIL) (?P<name>.*)$', re.DOTALL)


class ImapError(Exception):
    """Reading the mailbox failed; the message says what to change."""


@dataclass(frozen=True)
class ImapLocation:
    """One folder of one account, as named by `imaps://user@host[:port]/FOLDER`. `folder` is plain text."""

    user: str
    host: str
    port: int = DEFAULT_PORT
    folder: str = "INBOX"

    @property
    def container(self) -> str:
        """How messages from this folder are labelled in reports: the URL, with the folder left readable."""
        port = "" if self.port == DEFAULT_PORT else f":{self.port}"
        return f"imaps://{quote(self.user, safe='')}@{self.host}{port}/{self.folder}"


@dataclass(frozen=True)
class FetchedMessage:
    """One message's bytes; `uid` is `<UIDVALIDITY>:<UID>`, stable for as long as the server keeps the folder's UIDs."""

    uid: str
    raw: bytes
    container: str


def parse_imap_url(url: str) -> ImapLocation:
    """Read `imaps://user@host[:port]/FOLDER` (FOLDER percent-encoded UTF-8, `/` between levels; INBOX when absent)."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "imaps":
        raise ValueError(f"{url}: only imaps:// (IMAP over TLS) is supported; write imaps://user@host/FOLDER")
    if parts.password is not None:
        # Never echo the password back: the message may end up in a log.
        shown = f"imaps://{parts.username}:***@{parts.hostname}"
        raise ValueError(f"{shown}: the URL holds a password; remove it and set {PASSWORD_VARIABLE} instead")
    if not parts.username or not parts.hostname:
        raise ValueError(f"{url}: name a user and a host, as in imaps://user@host/FOLDER")
    if parts.query or parts.fragment:
        raise ValueError(f"{url}: a folder name with '?' or '#' must be percent-encoded (%3F, %23)")
    try:
        port = parts.port or DEFAULT_PORT
        folder = unquote(parts.path.lstrip("/"), errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{url}: {error}") from None
    return ImapLocation(unquote(parts.username), parts.hostname, port, folder or "INBOX")


def imap_password(environ: Mapping[str, str] = os.environ) -> str:
    """The IMAP password from the environment, or an error saying where to put it."""
    password = environ.get(PASSWORD_VARIABLE, "")
    if not password:
        raise ImapError(f"set {PASSWORD_VARIABLE} to the mailbox password (it is never read from the URL)")
    return password


def encode_mailbox_name(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 5.1.3), the form servers expect on the wire."""
    pieces = []
    for direct, run in groupby(name, key=lambda ch: 0x20 <= ord(ch) <= 0x7E):
        text = "".join(run)
        if direct:
            pieces.append(text.replace("&", "&-"))
        else:
            encoded = base64.b64encode(text.encode("utf-16-be")).decode("ascii").rstrip("=")
            pieces.append("&" + encoded.replace("/", ",") + "-")
    return "".join(pieces)


def decode_mailbox_name(name: str) -> str:
    """The text of a folder name in modified UTF-7; ValueError when it is not valid."""

    def shifted(match: re.Match[str]) -> str:
        body = match.group(1)
        if not body:
            return "&"
        padded = body.replace(",", "/") + "=" * (-len(body) % 4)
        try:
            return base64.b64decode(padded, validate=True).decode("utf-16-be")
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ValueError(f"not modified UTF-7: {name!r} ({error})") from None

    return _SHIFTED.sub(shifted, name)


def fetch_messages(
    location: ImapLocation,
    password: str,
    seen: Callable[[str], bool] | set[str] | frozenset[str],
    ssl_context: ssl.SSLContext | None = None,
) -> Iterator[FetchedMessage]:
    """Yield the folder's messages whose `<UIDVALIDITY>:<UID>` is not `seen`, in UID order, without changing any flag."""
    is_seen = seen.__contains__ if isinstance(seen, set | frozenset) else seen
    connection = _connect(location, password, ssl_context or ssl.create_default_context())
    try:
        validity = _examine(connection, location)
        wanted = [uid for uid in _all_uids(connection) if not is_seen(f"{validity}:{uid}")]
        for start in range(0, len(wanted), FETCH_BATCH):
            batch = wanted[start : start + FETCH_BATCH]
            bodies = _fetch_batch(connection, batch)
            for uid in batch:
                if uid in bodies:  # a message expunged meanwhile is simply gone
                    yield FetchedMessage(f"{validity}:{uid}", bodies[uid], location.container)
    finally:
        _logout(connection)


def _connect(location: ImapLocation, password: str, context: ssl.SSLContext) -> imaplib.IMAP4_SSL:
    where = f"{location.host}:{location.port}"
    try:
        connection = imaplib.IMAP4_SSL(location.host, location.port, ssl_context=context, timeout=TIMEOUT_SECONDS)
    except ssl.SSLCertVerificationError as error:
        raise ImapError(untrusted_certificate(where, error)) from None
    except ssl.SSLError as error:
        raise ImapError(f"{where}: the TLS connection failed ({error.reason or error}); is this an imaps port?") from None
    except OSError as error:
        raise ImapError(f"{where}: cannot connect ({error.strerror or error}); check the host and port") from None
    try:
        _login(connection, location.user, password)
    except imaplib.IMAP4.error as error:
        _logout(connection)
        raise ImapError(
            f"{location.user}@{where}: the server refused the login ({_text(error)}); check the user in the URL "
            f"and the password in {PASSWORD_VARIABLE}"
        ) from None
    return connection


def _login(connection: imaplib.IMAP4_SSL, user: str, password: str) -> None:
    # AUTHENTICATE PLAIN carries UTF-8 user names and passwords; LOGIN (ASCII only) is for servers without it.
    if "AUTH=PLAIN" in connection.capabilities:
        credentials = f"\0{user}\0{password}".encode()
        connection.authenticate("PLAIN", lambda _challenge: credentials)
    else:
        connection.login(_quoted(user), password)


def _examine(connection: imaplib.IMAP4_SSL, location: ImapLocation) -> str:
    """Open the folder read-only (EXAMINE) and return its UIDVALIDITY."""
    delimiter = _delimiter(connection)
    status, detail = connection.select(_quoted(_server_name(location.folder, delimiter)), readonly=True)
    if status != "OK":
        folders = ", ".join(_folder_names(connection, delimiter)) or "none"
        raise ImapError(
            f"{location.container}: cannot open folder '{location.folder}' ({_text(detail)}); "
            f"the folders of this account are: {folders}"
        )
    _, values = connection.response("UIDVALIDITY")
    if not values or values[0] is None:
        raise ImapError(f"{location.container}: the server gave no UIDVALIDITY, so returns cannot be told apart")
    return values[0].decode("ascii")


def _delimiter(connection: imaplib.IMAP4_SSL) -> str | None:
    """The server's hierarchy delimiter (`LIST "" ""`), which stands for `/` in folder URLs."""
    status, lines = connection.list('""', '""')
    for line in lines if status == "OK" else []:
        match = _LIST_LINE.match(line if isinstance(line, bytes) else line[0])
        if match and match.group("delimiter") != b"NIL":
            return _unquote(match.group("delimiter"))
    return None


def _server_name(folder: str, delimiter: str | None) -> str:
    if delimiter and delimiter != "/":
        folder = folder.replace("/", delimiter)
    return encode_mailbox_name(folder)


def _folder_names(connection: imaplib.IMAP4_SSL, delimiter: str | None) -> list[str]:
    """Every folder's name as it would be written in the URL, to list in an error."""
    status, lines = connection.list()
    names = []
    for line in lines if status == "OK" and lines != [None] else []:
        # A name sent as a literal arrives as (prefix, name bytes); otherwise it ends the line.
        match = _LIST_LINE.match(line[0] if isinstance(line, tuple) else line)
        if not match:
            continue
        raw = line[1].decode("ascii", "replace") if isinstance(line, tuple) else _unquote(match.group("name"))
        try:
            name = decode_mailbox_name(raw)
        except ValueError:
            name = raw
        names.append(name.replace(delimiter, "/") if delimiter and delimiter != "/" else name)
    return sorted(names)


def _all_uids(connection: imaplib.IMAP4_SSL) -> list[int]:
    status, data = connection.uid("SEARCH", "ALL")
    if status != "OK":
        raise ImapError(f"the server refused UID SEARCH ALL ({_text(data)})")
    return sorted(int(uid) for uid in b" ".join(part for part in data if part).split())


def _fetch_batch(connection: imaplib.IMAP4_SSL, uids: list[int]) -> dict[int, bytes]:
    """UID FETCH with BODY.PEEK[], which unlike BODY[] never sets \\Seen."""
    status, data = connection.uid("FETCH", ",".join(map(str, uids)), "(UID BODY.PEEK[])")
    if status != "OK":
        raise ImapError(f"the server refused to fetch messages {uids[0]}..{uids[-1]} ({_text(data)})")
    bodies: dict[int, bytes] = {}
    for index, item in enumerate(data):
        if not isinstance(item, tuple):
            continue
        # The UID comes before the literal on most servers, after it on some: look at both sides.
        following = data[index + 1] if index + 1 < len(data) and isinstance(data[index + 1], bytes) else b""
        match = _UID.search(item[0]) or _UID.search(following)
        if match:
            bodies[int(match.group(1))] = item[1]
    return bodies


def _logout(connection: imaplib.IMAP4_SSL) -> None:
    try:
        connection.logout()
    except (imaplib.IMAP4.error, OSError):
        pass  # the connection is going away either way


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _unquote(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _text(detail: object) -> str:
    """The server's words from an imaplib error or response list, for a message."""
    if isinstance(detail, list):
        detail = b" ".join(part for part in detail if isinstance(part, bytes))
    if isinstance(detail, imaplib.IMAP4.error) and detail.args:
        detail = detail.args[0]
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return str(detail).strip() or "no reason given"
