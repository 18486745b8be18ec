"""A throwaway PostgreSQL cluster for the tests, really started: initdb in a temporary folder, a free
loopback port, unix sockets in that folder. The server refuses to run as root, so when the tests run as
root (CI) the cluster belongs to the `postgres` user and is driven through `runuser`.

Clients log in as the role `aitk` over TCP with a password (scram-sha-256), so the store's
PGPASSWORD/~/.pgpass path is the one exercised; the fixture itself administers through the socket."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ROLE = "aitk"
PASSWORD = "store-test-password"
INSTALL = "apt-get install postgresql (scripts/system-deps.sh test)"


def server_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    found = [Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [folder for folder in found if (folder / "pg_ctl").exists()]
    return max(found, key=lambda folder: int(folder.parent.name.split(".")[0]), default=None)


def missing() -> str | None:
    """Why a cluster cannot be started here, or None."""
    if server_binaries() is None:
        return f"the PostgreSQL server is not installed ({INSTALL})"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return f"running as root, but there is no `postgres` user to run the server as ({INSTALL})"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A running cluster; `new_database()` gives each test its own database."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.root = Path(tempfile.mkdtemp(prefix="aitk-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._names = itertools.count()
        self._as_owner: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        done = subprocess.run([*self._as_owner, *command], capture_output=True, text=True, cwd=self.root)
        if done.returncode:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> Cluster:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self._run(
            *(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--no-sync"),
            *("--encoding=UTF8", "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256"),
        )
        # Durability settings off: the tests kill clients, never the server.
        options = "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        for attempt in range(3):  # another process may take the free port before the server binds it
            self.port = free_port()
            try:
                self._run(
                    *(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w"),
                    *("-o", f"-p {self.port} -k {self.root} {options}", "start"),
                )
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        self.admin(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'")

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname=database, autocommit=True) as conn:
            conn.execute(sql)

    def url(self, database: str) -> str:
        return f"postgresql://{ROLE}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database (UTF-8, with a linguistic ICU collation from PostgreSQL 15 on, so that the store
        cannot lean on a byte-order default) owned by the test role; returns its URL (no password in it)."""
        name = f"store_{os.getpid()}_{next(self._names)}"
        icu = " LOCALE_PROVIDER icu ICU_LOCALE 'en-US'" if int(self.bin.parent.name.split(".")[0]) >= 15 else ""
        self.admin(f"CREATE DATABASE {name} OWNER {ROLE} TEMPLATE template0 ENCODING 'UTF8'{icu}")
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run(
                [*self._as_owner, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                cwd=self.root,
            )
        shutil.rmtree(self.root, ignore_errors=True)
