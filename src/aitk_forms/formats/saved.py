"""The save time a returned file records, for the duplicate rule (INTERFACES): an Office file's
docProps/core.xml `dcterms:modified`, a PDF's /ModDate. Any damage or odd spelling gives None, never an error:
the time only breaks ties between returns with equally many answers."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime, timedelta, timezone

from lxml import etree

CORE_PART = "docProps/core.xml"
MAX_CORE_BYTES = 64 * 1024  # the core properties are a few hundred bytes; anything larger is not ours to trust
MODIFIED = "{http://purl.org/dc/terms/}modified"
# D:YYYYMMDDHHmmSS then Z, or +HH'mm' / -HH'mm' (ISO 32000-1, 7.9.4); every part after the year is optional.
PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?\s*$")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def ooxml_saved_at(archive: zipfile.ZipFile) -> str | None:
    """The `dcterms:modified` time of an Office package as ISO 8601, or None."""
    try:
        info = archive.getinfo(CORE_PART)
        if info.file_size > MAX_CORE_BYTES:
            return None
        root = etree.fromstring(archive.read(info), _parser())
    except Exception:  # noqa: BLE001 - a damaged core part only means no save time
        return None
    element = root.find(MODIFIED)
    return iso_time(element.text) if element is not None and element.text else None


def iso_time(text: str) -> str | None:
    """An ISO 8601 date-time (W3CDTF, as Office writes it) normalised by datetime, or None."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:
        return None
    return moment.isoformat()


def pdf_saved_at(value: object) -> str | None:
    """A PDF date string (`D:20260301120000+01'00'`) as ISO 8601, or None."""
    match = PDF_DATE.match(str(value).strip()) if value is not None else None
    if match is None:
        return None
    year, month, day, hour, minute, second, zulu, sign, off_hours, off_minutes = match.groups()
    try:
        zone = None
        if zulu:
            zone = UTC
        elif sign:
            offset = timedelta(hours=int(off_hours), minutes=int(off_minutes or 0))
            zone = timezone(-offset if sign == "-" else offset)
        moment = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=zone
        )
    except (ValueError, OverflowError):
        return None
    return moment.isoformat()
