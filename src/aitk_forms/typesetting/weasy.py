"""WeasyPrint as every PDF writer here uses it: imported on first use, with one font configuration and
parsed stylesheets kept for the life of the process (a build worker renders many documents)."""

from __future__ import annotations

import gc
import hashlib
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import ModuleType

import pydyf

# pydyf deflates every stream at level 9; level 6 makes files within 1 % of the size in a fraction of the time.
LEVEL = 6
# A stream this large is a font; a form's text fields embed the same whole font in every file.
LARGE = 100_000
_PACKED: dict[bytes, bytes] = {}


@cache
def weasyprint() -> ModuleType:
    """WeasyPrint, imported on first use: loading Pango takes a while and only some formats need it."""
    with warnings.catch_warnings():
        # Without Debian's libharfbuzz-subset0 WeasyPrint subsets fonts with fontTools, and warns that a
        # future version will need the library; that is advice for the machine, not a fault of ours.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint


@cache
def font_config() -> object:
    """One Pango font configuration for the process: making one per document loads fontconfig's
    font list again each time."""
    from weasyprint.text.fonts import FontConfiguration

    weasyprint()
    return FontConfiguration()


@cache
def stylesheet(path: Path) -> object:
    """The parsed CSS file at `path`, parsed once per process."""
    return weasyprint().CSS(filename=str(path), font_config=font_config())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays out and writes a document: it creates
    hundreds of thousands of objects, and the collections they set off took a tenth of a form's time.
    The garbage of one document is collected when the collector is back on."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@contextmanager
def srgb_profile_left_open() -> Iterator[None]:
    """WeasyPrint 70 opens its sRGB colour profile for every PDF/A file and never closes it: the
    ResourceWarning the file gives when it is dropped, during `write_pdf`, is WeasyPrint's, not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning)
        yield


def css_string(text: str) -> str:
    """`text` as a quoted CSS string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def compress_streams(document: object, pdf: pydyf.PDF) -> None:
    """A WeasyPrint finisher: deflate the streams ourselves, at `LEVEL`, and each large one (a font)
    only once per process."""
    for item in pdf.objects:
        if not isinstance(item, pydyf.Stream) or not item.compress or "Filter" in item.extra:
            continue
        data = stream_bytes(item)
        if len(data) >= LARGE:
            key = hashlib.sha1(data).digest()
            if key not in _PACKED:
                _PACKED[key] = zlib.compress(data, LEVEL)
            packed = _PACKED[key]
        else:
            packed = zlib.compress(data, LEVEL)
        item.stream, item.compress = [packed], False
        item.extra["Filter"] = "/FlateDecode"


STREAM_START, STREAM_END = b"\nstream\n", b"\nendstream"


def stream_bytes(stream: pydyf.Stream) -> bytes:
    """The uncompressed content of a pydyf stream, through its public `data` (dictionary, `stream`, content,
    `endstream`); tests/test_typesetting.py fails loudly if pydyf changes that layout."""
    stream.compress = False
    data = stream.data
    start = data.index(STREAM_START) + len(STREAM_START)
    if not data.endswith(STREAM_END):
        raise ValueError("pydyf wrote a stream in a layout this version of aitk-forms does not know")
    return data[start : -len(STREAM_END)]
