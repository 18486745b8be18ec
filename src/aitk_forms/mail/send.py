"""Campaign messages: build them (RFC 5322, MIME, encoded names), keep drafts as .eml, and send them over SMTP.

Sending keeps a pace a corporate server accepts, retries transient failures, records every send and never sends
credentials or forms in the clear. The password comes from AITK_SMTP_PASSWORD, never from the URL.
"""

from __future__ import annotations

import copy
import email.policy
import os
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .tls import untrusted_certificate

PASSWORD_VARIABLE = "AITK_SMTP_PASSWORD"
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
TIMEOUT_SECONDS = 60.0
FALLBACK_DOMAIN = "aitk-forms.invalid"


class SmtpError(Exception):
    """Sending cannot go on (no TLS, login refused, server unreachable); the message says what to change."""


class _Unreachable(Exception):
    """The server could not be reached or greeted; retried like a dropped connection, fatal once retries run out."""


@dataclass(frozen=True)
class SmtpTarget:
    """Where to send: `smtp://` upgrades with STARTTLS (port 587 by default), `smtps://` is TLS from the start (465)."""

    scheme: str
    user: str | None
    host: str
    port: int


@dataclass(frozen=True)
class SendRecord:
    """What became of one message: `result` is "sent" or "failed"; `time` is ISO 8601 in UTC."""

    key: str
    message_id: str
    time: str
    result: str
    detail: str


@dataclass(frozen=True)
class SendSummary:
    sent: int
    failed: int
    skipped: int


def build_message(
    *,
    sender: str,
    to: str,
    cc: list[str],
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes, str]],
    message_id: str | None = None,
    draft: bool = True,
    date: datetime | None = None,
) -> EmailMessage:
    """One message with a UTF-8 text body and the attachments (file name, data, MIME type), multipart/mixed.

    Non-ASCII headers are RFC 2047 encoded and attachment names RFC 2231 encoded. A draft carries `X-Unsent: 1`,
    so that Outlook opens the .eml as a message to send rather than as one received.
    """
    # The SMTP policy writes CRLF line ends, which .eml files and the text body's canonical form both want.
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    when = date or datetime.now(UTC)
    message["Date"] = format_datetime(when if when.tzinfo else when.astimezone())
    message["Message-ID"] = message_id or make_msgid(domain=message_id_domain(sender))
    if draft:
        message["X-Unsent"] = "1"
    message.set_content(body, charset="utf-8", cte=_text_encoding(body))
    for name, data, mime_type in attachments:
        maintype, _, subtype = mime_type.partition("/")
        # Only Content-Disposition carries the name: Python folds a Content-Type with a long RFC 2231 `name` wrongly.
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=name)
        del message.get_payload()[-1]["MIME-Version"]  # belongs on the message alone
    return message


def _text_encoding(body: str) -> str:
    """A 7-bit transfer encoding, so that no server on the way has to convert: base64 for mostly non-Latin text."""
    non_ascii = sum(1 for ch in body if ord(ch) > 0x7F)
    return "base64" if non_ascii * 2 > len(body) else "quoted-printable"


def message_id_domain(sender: str) -> str:
    """The domain of the sender's address, so that message ids of one campaign share a stable right-hand side."""
    domain = parseaddr(sender)[1].rpartition("@")[2].strip().lower()
    try:
        return domain.encode("idna").decode("ascii") if domain else FALLBACK_DOMAIN
    except UnicodeError:
        return FALLBACK_DOMAIN


def write_eml(message: EmailMessage, path: str | os.PathLike[str]) -> Path:
    """Write the message as an .eml file (bytes, CRLF line ends), whole or not at all."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
    partial.replace(target)
    return target


def parse_smtp_url(url: str) -> SmtpTarget:
    """Read `smtp://[user@]host[:port]` (STARTTLS) or `smtps://[user@]host[:port]` (implicit TLS)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"{url}: write smtp://user@host:587 (STARTTLS) or smtps://user@host:465 (TLS)")
    if parts.password is not None:
        # Never echo the password back: the message may end up in a log.
        shown = f"{scheme}://{parts.username}:***@{parts.hostname}"
        raise ValueError(f"{shown}: the URL holds a password; remove it and set {PASSWORD_VARIABLE} instead")
    if not parts.hostname:
        raise ValueError(f"{url}: name the mail server, as in {scheme}://user@host")
    if parts.path.strip("/") or parts.query or parts.fragment:
        raise ValueError(f"{url}: an SMTP URL has no path; write {scheme}://user@host:port")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise ValueError(f"{url}: {error}") from None
    return SmtpTarget(scheme, unquote(parts.username) if parts.username else None, parts.hostname, port)


def smtp_password(target: SmtpTarget, environ: Mapping[str, str] = os.environ) -> str | None:
    """The password for the target's user from the environment; None when the URL names no user."""
    if target.user is None:
        return None
    password = environ.get(PASSWORD_VARIABLE, "")
    if not password:
        raise SmtpError(f"set {PASSWORD_VARIABLE} to the password of {target.user} (it is never read from the URL)")
    return password


def send_messages(
    target: SmtpTarget,
    password: str | None,
    messages: Iterable[tuple[str, EmailMessage]],
    *,
    pace_seconds: float = 1.0,
    retries: int = 3,
    backoff: float = 2.0,
    already_sent: Callable[[str], bool],
    record: Callable[[SendRecord], None],
    ssl_context: ssl.SSLContext | None = None,
) -> SendSummary:
    """Send each (key, message) not `already_sent`, over one connection, and `record` what became of it.

    Messages start at least `pace_seconds` apart. Transient failures (4xx replies, a dropped connection) are retried
    up to `retries` times after `backoff`, 2 x `backoff`, ... seconds (on a fresh connection when the old one may be
    unusable); a permanent failure (5xx) is recorded and the next message goes on. A message counts as sent when
    every To recipient has it; a Cc refused is named in the record's detail. SmtpError stops the run when nothing can
    be sent (no TLS, login refused, server unreachable); what was recorded stays recorded and a re-run sends the rest.
    A connection lost after the server took the data but before it said so can, on retry, deliver a message twice.
    """
    session = _Session(target, password, ssl_context or ssl.create_default_context())
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    last_start: float | None = None
    try:
        for key, message in messages:
            if already_sent(key):
                counts["skipped"] += 1
                continue
            last_start = _wait_for_pace(last_start, pace_seconds)
            outgoing = _outgoing(message, target)
            result, detail = _deliver(session, outgoing, retries, backoff)
            record(SendRecord(key, str(outgoing["Message-ID"]), _now(), result, detail))
            counts[result] += 1
    finally:
        session.close()
    return SendSummary(**counts)


class _Session:
    """One SMTP connection, opened when first needed and opened again after it was dropped."""

    def __init__(self, target: SmtpTarget, password: str | None, context: ssl.SSLContext):
        self.target, self.password, self.context = target, password, context
        self.client: smtplib.SMTP | None = None

    def get(self) -> smtplib.SMTP:
        if self.client is None:
            self.client = self._open()
        return self.client

    def _open(self) -> smtplib.SMTP:
        target, where = self.target, f"{self.target.host}:{self.target.port}"
        try:
            if target.scheme == "smtps":
                client = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS, context=self.context)
                client.ehlo()
            else:
                client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
                _start_tls(client, where, self.context)
            if target.user is not None:
                _log_in(client, where, target.user, self.password or "")
        except ssl.SSLCertVerificationError as error:
            raise SmtpError(untrusted_certificate(where, error)) from None
        except ssl.SSLError as error:
            raise SmtpError(f"{where}: the TLS connection failed ({error.reason or error}); check smtp:// or smtps://") from None
        except (OSError, smtplib.SMTPException) as error:
            raise _Unreachable(f"{where}: cannot connect ({_describe(error)})") from None
        return client

    def drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close()
            except OSError:
                pass  # it is being thrown away

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (OSError, smtplib.SMTPException):
                pass  # everything has been recorded; a failed goodbye changes nothing
        self.drop()


def _start_tls(client: smtplib.SMTP, where: str, context: ssl.SSLContext) -> None:
    client.ehlo()
    if not client.has_extn("starttls"):
        client.close()
        raise SmtpError(
            f"{where}: the server does not offer STARTTLS, and forms and passwords are not sent in the clear; "
            "use a port with STARTTLS (587) or smtps:// (465)"
        )
    client.starttls(context=context)
    client.ehlo()


def _log_in(client: smtplib.SMTP, where: str, user: str, password: str) -> None:
    if not client.has_extn("auth"):
        client.close()
        raise SmtpError(f"{where}: the server offers no login (AUTH); give the URL without a user if it needs none")
    try:
        client.login(user, password)
    except smtplib.SMTPAuthenticationError as error:
        client.close()
        raise SmtpError(
            f"{user}@{where}: the server refused the login ({_describe(error)}); check the user in the URL "
            f"and the password in {PASSWORD_VARIABLE}"
        ) from None


def _deliver(session: _Session, message: EmailMessage, retries: int, backoff: float) -> tuple[str, str]:
    """("sent" | "failed", detail) for one message, retrying transient failures.

    A retry goes only to the recipients still waiting, so that nobody who already has the message gets it twice.
    """
    delivery = _Delivery.of(message)
    problem, unreachable, attempts = "", False, 0
    while delivery.pending and attempts <= retries:
        if attempts:
            time.sleep(backoff * 2 ** (attempts - 1))
        attempts += 1
        try:
            refused = session.get().send_message(message, to_addrs=delivery.pending)
        except _Unreachable as error:
            problem, unreachable = str(error), True
            continue
        except smtplib.SMTPRecipientsRefused as error:
            refused = error.recipients
        except (smtplib.SMTPException, OSError) as error:
            problem, unreachable = _describe(error), False
            if not _is_transient(error):
                delivery.lose_all(problem)
            session.drop()
            continue
        unreachable = False
        delivery.settle(refused)
        problem = "; ".join(f"{address}: {_reply(*refused[address])}" for address in delivery.pending)
    if unreachable:
        raise SmtpError(f"{problem}; nothing more was sent: run again once the server answers")
    return delivery.outcome(f"gave up after {attempts} attempts: {problem}")


class _Delivery:
    """Who still waits for one message, and who will not get it (and why)."""

    def __init__(self, primary: set[str], recipients: list[str]):
        self.primary, self.recipients, self.pending = primary, recipients, list(recipients)
        self.lost: dict[str, str] = {}

    @classmethod
    def of(cls, message: EmailMessage) -> _Delivery:
        def addresses(*names: str) -> list[str]:
            found = getaddresses([str(value) for name in names for value in message.get_all(name, [])])
            return list(dict.fromkeys(address for _, address in found if address))

        recipients, to = addresses("To", "Cc", "Bcc"), addresses("To")
        return cls(set(to or recipients), recipients)

    def settle(self, refused: Mapping[str, tuple[int, bytes]]) -> None:
        """After an attempt: the refused with a 4xx reply wait for the next one, those with a 5xx are lost."""
        for address, reply in refused.items():
            if not 400 <= reply[0] < 500:
                self.lost[address] = _reply(*reply)
        self.pending = [address for address in self.pending if address in refused and address not in self.lost]

    def lose_all(self, reason: str) -> None:
        self.lost.update(dict.fromkeys(self.pending, reason))
        self.pending = []

    def outcome(self, gave_up: str) -> tuple[str, str]:
        missed = self.lost | dict.fromkeys(self.pending, gave_up)
        if not self.recipients:
            return "failed", "the message names no recipient"
        detail = "; ".join(f"not delivered to {address}: {reason}" for address, reason in missed.items())
        failed = bool(self.primary & missed.keys()) or len(missed) == len(self.recipients)
        return ("failed" if failed else "sent"), detail


def _is_transient(error: BaseException) -> bool:
    """4xx replies and lost connections may pass on a later try; 5xx replies and anything else will not."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error.smtp_code, error.smtp_error)
    return str(error) or type(error).__name__


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


def _outgoing(message: EmailMessage, target: SmtpTarget) -> EmailMessage:
    """The message as it goes out: without the draft marker, which would make Outlook show a received mail as unsent."""
    outgoing = copy.deepcopy(message)
    del outgoing["X-Unsent"]
    if outgoing["Message-ID"] is None:
        outgoing["Message-ID"] = make_msgid(domain=message_id_domain(str(outgoing["From"] or target.host)))
    return outgoing


def _wait_for_pace(last_start: float | None, pace_seconds: float) -> float:
    if last_start is not None:
        time.sleep(max(0.0, last_start + pace_seconds - time.monotonic()))
    return time.monotonic()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
