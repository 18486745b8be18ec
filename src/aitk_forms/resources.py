"""What the program reads at run time, wherever it is installed: the codecs' templates and the bundled
content, found through importlib.resources (mapped into the wheel from templates/ and content/)."""

from __future__ import annotations

import shutil
from contextlib import ExitStack
from functools import cache
from importlib import resources
from pathlib import Path

BUNDLED_CONTENT = "aitk_forms.content"
TEMPLATES = "aitk_forms.templates"
_KEEP_OPEN = ExitStack()  # resources extracted to the file system stay there for the life of the process


@cache
def bundled_content() -> Path:
    """The folder of the content bundled with the program (a real folder: YAML and PO files are read by path)."""
    return _as_folder(BUNDLED_CONTENT)


@cache
def template_folder(codec: str) -> Path:
    """The templates of one codec or report (`pdf`, `pack`, `report`)."""
    return _as_folder(TEMPLATES) / codec


def _as_folder(package: str) -> Path:
    return _KEEP_OPEN.enter_context(resources.as_file(resources.files(package)))


def choose_content(given: Path | None, cwd: Path | None = None) -> tuple[Path, str]:
    """The content folder a command uses, and how to name it in a summary line: the one given, else
    ./content when it exists, else the bundled content."""
    if given is not None:
        return given, str(given)
    local = (cwd or Path.cwd()) / "content"
    if (local / "content.yaml").is_file():
        return local, "content"
    return bundled_content(), "bundled content"


def is_bundled(folder: Path) -> bool:
    """True when `folder` is the content installed with the program, which commands must not change."""
    try:
        return folder.resolve() == bundled_content().resolve()
    except OSError:
        return False


def copy_bundled_content(target: Path, force: bool = False) -> list[Path]:
    """Copy the bundled content (history included) into `target` for an agency to adapt; refuses a
    non-empty folder unless `force`. Returns the files written."""
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise FileExistsError(f"{target} is not empty: choose an empty folder, or add --force to overwrite its content files")
    source = bundled_content()
    ignore = shutil.ignore_patterns("__init__.py", "__pycache__", "*.pyc", "*.mo")
    shutil.copytree(source, target, ignore=ignore, dirs_exist_ok=True)
    return sorted(p for p in target.rglob("*") if p.is_file())
