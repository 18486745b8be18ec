"""Reproducible Office files: the same import gives byte-identical .xlsx and .docx reports.

openpyxl stamps the time of saving into docProps/core.xml, and zipfile stamps it on every entry;
both are replaced by one fixed time (SOURCE_DATE_EPOCH when set, as reproducible builds do).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from pathlib import Path

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can carry
CORE = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_time() -> dt.datetime:
    """The time written into reports: SOURCE_DATE_EPOCH if set, else the zip epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else ZIP_EPOCH
    return max(when, ZIP_EPOCH)


def freeze_package(path: Path) -> None:
    """Rewrite the zip package at `path` with fixed entry times and fixed created/modified properties."""
    when = fixed_time()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == CORE:
                data = _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, data)
