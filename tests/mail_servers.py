"""Real mail servers for the tests: a private Dovecot (IMAP over TLS) and aiosmtpd (SMTP), each on a free loopback port.

Each pytest-xdist worker starts its own; nothing is left running. Certificates come from a throwaway `trustme` CA.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
MAIL_USER = "coordinator"
MAIL_PASSWORD = "correct horse battery staple"
START_SECONDS = 15.0


def free_port() -> int:
    """A port nothing listens on now; the kernel does not hand it out again at once, so a server can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = START_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before listening on {port}")
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {HOST}:{port} after {seconds} s")


@dataclass
class Certificates:
    """A throwaway certificate authority and a server certificate for localhost and 127.0.0.1, as files."""

    ca: trustme.CA
    ca_file: Path
    chain_file: Path
    key_file: Path
    server: trustme.LeafCert

    @classmethod
    def make(cls, folder: Path) -> Certificates:
        ca = trustme.CA()
        server = ca.issue_cert("localhost", HOST)
        ca_file, chain_file, key_file = folder / "ca.pem", folder / "server-chain.pem", folder / "server-key.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        with chain_file.open("wb") as out:
            for blob in server.cert_chain_pems:
                out.write(blob.bytes())
        server.private_key_pem.write_to_path(str(key_file))
        return cls(ca, ca_file, chain_file, key_file, server)

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server.configure_cert(context)
        return context


# ---------------------------------------------------------------- Dovecot

DOVECOT_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {host}
ssl = required
ssl_cert = <{chain}
ssl_key = <{key}
disable_plaintext_auth = yes
auth_mechanisms = plain login
# A refused login is answered at once (the default waits 2 s), so the wrong-password test stays quick.
auth_failure_delay = 0
{users}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No growing delay after a refused login from this address: the tests refuse logins on purpose.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


@dataclass
class Dovecot:
    """A running private Dovecot; `port` speaks imaps only."""

    root: Path
    port: int
    process: subprocess.Popen
    user: str = MAIL_USER
    password: str = MAIL_PASSWORD

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _mail_identity() -> tuple[int, int, str]:
    """The uid and gid that own the mail, and the settings naming Dovecot's own users.

    As root (CI), Dovecot runs its helpers as its Debian users and the mail as `nobody`, since it refuses root for
    mail. As anyone else, everything runs as that user (Dovecot's "rootless" set-up).
    """
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid, ""
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    settings = f"default_internal_user = {user}\ndefault_login_user = {user}\ndefault_internal_group = {group}"
    return os.getuid(), os.getgid(), settings


def start_dovecot(certificates: Certificates) -> Dovecot:
    program = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(program).exists():
        raise FileNotFoundError("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    # A short path of its own under /tmp: Dovecot's sockets live in base_dir (UNIX socket paths are short), and
    # the mail user must be able to reach the mail, which pytest's private temporary folders do not allow.
    root = Path(tempfile.mkdtemp(prefix="aitk-dovecot-"))
    root.chmod(0o755)
    uid, gid, users = _mail_identity()
    (root / "mail").mkdir()
    os.chown(root / "mail", uid, gid)
    (root / "passwd").write_text(f"{MAIL_USER}:{{PLAIN}}{MAIL_PASSWORD}:{uid}:{gid}::{root}/mail/{MAIL_USER}::\n")
    for _attempt in range(3):  # another process may take the free port before Dovecot does
        port = free_port()
        config = DOVECOT_CONFIG.format(
            root=root, host=HOST, port=port, chain=certificates.chain_file, key=certificates.key_file,
            users=users, uid=uid, gid=gid,
        )  # fmt: skip
        (root / "dovecot.conf").write_text(config)
        process = subprocess.Popen(
            [program, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            wait_for_port(port, process)
            return Dovecot(root, port, process)
        except RuntimeError as error:
            log = root / "dovecot.log"
            problem = f"{error}: {_stop(process)} {log.read_text(errors='replace')[-2000:] if log.exists() else ''}"
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"Dovecot did not start: {problem}")


def stop_dovecot(server: Dovecot) -> None:
    _stop(server.process)
    shutil.rmtree(server.root, ignore_errors=True)


def _stop(process: subprocess.Popen) -> str:
    """Stop the master (it stops its children) and return what it wrote to standard error."""
    if process.poll() is None:
        process.terminate()
    try:
        _, errors = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        _, errors = process.communicate()
    return (errors or b"").decode(errors="replace")


# ---------------------------------------------------------------- SMTP


@dataclass
class Received:
    """One message as the SMTP server took it."""

    mail_from: str
    recipients: list[str]
    content: bytes
    arrived: float  # time.monotonic(), comparable with the test's own clock
    tls: bool
    login: str | None


@dataclass
class RecordingHandler:
    """Accepts mail for anyone but `rejected` (550), defers each of `deferred_once` once (451), and drops the
    connection once at the end of the data of a message to one of `dropped_once`."""

    rejected: set[str] = field(default_factory=set)
    deferred_once: set[str] = field(default_factory=set)
    dropped_once: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.rejected:
            self.log.append(f"550 {address}")
            return "550 5.1.1 No such user here"
        if address in self.deferred_once:
            self.deferred_once.discard(address)
            self.log.append(f"451 {address}")
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        dropped = self.dropped_once.intersection(envelope.rcpt_tos)
        if dropped:
            self.dropped_once -= dropped
            self.log.append(f"drop {sorted(dropped)[0]}")
            server.transport.close()
            return "421 4.4.2 Connection dropped"
        with self.lock:
            self.received.append(
                Received(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                    time.monotonic(),
                    server.transport.get_extra_info("ssl_object") is not None,
                    session.auth_data.login.decode() if session.auth_data else None,
                )
            )
        return "250 2.0.0 Message accepted"


@dataclass
class SmtpServer:
    controller: Controller
    handler: RecordingHandler
    port: int
    logins: list[str]


def start_smtp(certificates: Certificates, *, implicit_tls: bool = False, offer_tls: bool = True) -> SmtpServer:
    """aiosmtpd with AUTH PLAIN/LOGIN for MAIL_USER: STARTTLS (the default), implicit TLS, or no TLS at all."""
    handler, logins = RecordingHandler(), []

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            MAIL_USER.encode(),
            MAIL_PASSWORD.encode(),
        )
        logins.append(f"{mechanism} {'ok' if ok else 'refused'}")
        # handled=False: aiosmtpd then answers 535 itself (with True it would wait for the handler to answer).
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    options: dict = {"authenticator": authenticator}
    if implicit_tls:
        # aiosmtpd cannot see TLS it did not start itself, so AUTH must be allowed "without" it here (and then it
        # warns when AUTH is also required: the tests check each message's login instead).
        options.update(ssl_context=certificates.server_context(), auth_require_tls=False)
    elif offer_tls:
        options.update(
            tls_context=certificates.server_context(), require_starttls=True, auth_require_tls=True, auth_required=True
        )
    else:
        options.update(auth_require_tls=False)
    controller = Controller(handler, hostname=HOST, port=free_port(), server_hostname="localhost", **options)
    controller.start()
    return SmtpServer(controller, handler, controller.port, logins)
