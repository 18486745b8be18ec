"""Shared fixtures: the content sets, and real client programs that tests need."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import pg_server
from aitk_forms.load import load_content

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "content" / "small"
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
FORM_IDS = ("readiness", "risk", "workbook")

# Debian packages that bring each client program, named in skip messages.
CLIENTS = {
    "soffice": "libreoffice-writer-nogui libreoffice-calc-nogui",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "msgfmt": "gettext",
}


def require_client(program: str) -> str:
    """The path of `program`; skip the test when it is missing, or fail under CI, where it must be."""
    found = shutil.which(program)
    if found:
        return found
    why = f"{program} is not installed (Debian: apt-get install {CLIENTS.get(program, program)})"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


def require_uno_python() -> str:
    """Debian's python3 with the `uno` module, to drive LibreOffice as a client."""
    require_client("soffice")
    python = "/usr/bin/python3"
    if Path(python).exists() and os.system(f"{python} -c 'import uno' 2>/dev/null") == 0:
        return python
    why = "LibreOffice's Python bridge is missing (Debian: apt-get install python3-uno)"
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def small_content():
    return load_content(SMALL)


@pytest.fixture(scope="session")
def real_content():
    return load_content(ROOT / "content")


# Imports in tests keep nothing unless a test gives a store: the default store is a file in the current folder,
# which would make a later import report every file `known`. Set for the whole session (module fixtures import
# before any function fixture runs) and inherited by the command-line runs the tests start.
os.environ["AITK_STORE"] = "none"


@pytest.fixture(scope="session")
def pg_cluster():
    """One PostgreSQL cluster per test process (each xdist worker starts its own)."""
    why = pg_server.missing()
    if why:
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    cluster = pg_server.Cluster().start()
    yield cluster
    cluster.stop()


def postgresql_spec(request, monkeypatch, tmp_path) -> str:
    cluster = request.getfixturevalue("pg_cluster")
    # The password reaches libpq only through the environment, never through the URL.
    monkeypatch.setenv("PGPASSWORD", pg_server.PASSWORD)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    return cluster.new_database()
