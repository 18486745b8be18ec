"""Respondents' text made safe for spreadsheets: never a formula, never an illegal character."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(value: object) -> str:
    """Text that a spreadsheet shows as typed: control characters removed, a formula start quoted."""
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text
