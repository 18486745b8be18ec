"""Editing a built Office package in tests: one XML part passed through a change, everything else copied."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree


def rewrite_part(source: Path, target: Path, part: str, change: Callable[[etree._Element], None]) -> Path:
    """A copy of the package at `source` with its part `part` passed through `change` (which edits the tree in place)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == part:
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            new.writestr(item, data)
    return target
