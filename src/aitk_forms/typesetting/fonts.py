"""The fonts each script needs, and a clear failure when one is missing (never boxes)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

from ..errors import MissingDependency

# Font families used by every rendered output, by language; the Latin family covers Cyrillic too.
FAMILIES = {
    "ar": ("Noto Naskh Arabic", "Noto Sans Arabic"),
    "zh": ("Noto Sans CJK SC",),
}
LATIN = ("Noto Sans",)
PACKAGES = {
    "Noto Sans": "fonts-noto-core",
    "Noto Naskh Arabic": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
}


def families(lang: str) -> tuple[str, ...]:
    """Preferred font families for `lang`, most specific first, ending with the Latin family."""
    return FAMILIES.get(lang.split("-")[0], ()) + LATIN


@cache
def installed_families() -> frozenset[str]:
    if not shutil.which("fc-list"):
        return frozenset()
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def require_fonts(lang: str) -> tuple[str, ...]:
    """The families for `lang`, or MissingDependency naming the missing font and the package to install."""
    have = installed_families()
    missing = [f for f in (families(lang)[0], LATIN[0]) if f not in have]
    if missing:
        packages = sorted({PACKAGES.get(f, "fonts-noto-core") for f in missing})
        raise MissingDependency(
            f"font {', '.join(repr(m) for m in missing)} needed for language '{lang}' is not installed "
            f"(Debian: apt-get install {' '.join(packages)})"
        )
    return families(lang)
