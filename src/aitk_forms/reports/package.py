"""Reproducible Office files: the same import gives byte-identical .xlsx and .docx reports.

openpyxl stamps the time of saving into docProps/core.xml, and zipfile stamps it on every entry;
both are replaced by one fixed time (SOURCE_DATE_EPOCH when set, as reproducible builds do). The package is
rewritten entry by entry through a file beside it, so a sheet of many responses is never held whole in memory.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)  # the earliest time a zip entry can carry
CORE = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_time() -> dt.datetime:
    """The time written into reports: SOURCE_DATE_EPOCH if set, else the zip epoch."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    when = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else ZIP_EPOCH
    return max(when, ZIP_EPOCH)


def freeze_package(path: Path, edits: Mapping[str, Callable[[bytes], bytes]] | None = None) -> None:
    """Rewrite the zip package at `path` with fixed entry times and fixed created/modified properties.

    `edits` maps a (small) part's name to a function that returns its new content; other parts are copied
    as streams."""
    when = fixed_time()
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    changes = dict(edits or {})
    core_edit = changes.get(CORE, lambda data: data)
    changes[CORE] = lambda data: _CORE_DATES.sub(lambda m: m.group(1) + stamp + m.group(3), core_edit(data))
    handle, scratch = tempfile.mkstemp(prefix=f"{Path(path).name}.", suffix=".tmp", dir=Path(path).parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                if info.filename in changes:
                    target.writestr(entry, changes[info.filename](source.read(info)))
                    continue
                with source.open(info) as reading, target.open(entry, "w", force_zip64=info.file_size > 2**31) as writing:
                    shutil.copyfileobj(reading, writing, 1 << 16)
        os.chmod(scratch, os.stat(path).st_mode & 0o777)  # mkstemp makes it private; keep the report's mode
        os.replace(scratch, path)
    finally:
        if os.path.exists(scratch):
            os.unlink(scratch)
