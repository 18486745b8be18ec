"""The data report.pdf carries (PDF/A-3 associated files): the import log and the import's JSON result.

Both are written to temporary files as the files or stored responses are read, one at a time. WeasyPrint reads
an attachment whole and pydyf compresses it whole, so WeasyPrint is handed a short placeholder, and once the
PDF is laid out `fill_embedded` puts each file into its embedded-file stream, read and compressed in chunks: the
file's bytes are never all in memory, only their compressed form (pydyf writes each stream from bytes).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Mapping
from pathlib import Path

import pydyf

from ..model import Content
from ..outcomes import ImportResult
from .importlog import write_log

ATTACHED = (("import-log.csv", "The files of this import, each with its status (the import log)"),
            ("import-result.json", "The import's result as `aitk-forms import --json` prints it"))  # fmt: skip
CHUNK = 1 << 16


def write_data(content: Content, result: ImportResult, folder: Path) -> dict[str, Path]:
    """The attached files written into `folder`, by name."""
    log, data = folder / ATTACHED[0][0], folder / ATTACHED[1][0]
    write_log(content, result, log)  # the same bytes as the import-log.csv beside the report
    write_result_json(result, data)
    return {log.name: log, data.name: data}


def write_result_json(result: ImportResult, path: Path) -> None:
    """`json.dumps(result.as_json(), ensure_ascii=False, indent=2)`, byte for byte, written one file at a time."""
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{\n  "files": [')
        separator = "\n"
        for file in result.files:
            handle.write(separator + _indented(file.as_json(), "    ", first=True))
            separator = ",\n"
        handle.write("\n  ],\n" if separator == ",\n" else "],\n")  # json.dumps writes an empty list as []
        handle.write('  "summary": ' + _indented(result.summary(), "  ") + "\n}")


def _indented(value: object, indent: str, first: bool = False) -> str:
    # json.dumps escapes the line breaks inside strings, so every "\n" it writes starts a line of its layout.
    text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)
    return indent + text if first else text


def fill_embedded(pdf: pydyf.PDF, files: Mapping[str, Path]) -> None:
    """Put each file of `files` into the embedded-file stream of the attachment of the same name."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Dictionary) and item.get("Type") == "/Filespec" and "EF" in item:
            name = item["UF"].string if isinstance(item.get("UF"), pydyf.String) else None
            if name in files:
                number = int(item["EF"]["F"].split()[0])
                pdf.objects[number] = filled(pdf.objects[number], files[name])


class EmbeddedFile(pydyf.Stream):
    """An embedded-file stream whose content is already compressed. A stream whose bytes end in a carriage return
    is ended by CR LF: after a bare LF, a PDF/A validator reads the CR as part of the end-of-line marker and finds
    the stream a byte shorter than its /Length (PDFA3U-STREAM-LENGTH-001); a Flate stream ends in any byte."""

    @property
    def data(self) -> bytes:
        payload = b"".join(self.stream)
        extra = pydyf.Dictionary({**self.extra, "Length": len(payload)})
        return extra.data + b"\nstream\n" + payload + (b"\r\n" if payload.endswith(b"\r") else b"\n") + b"endstream"


def filled(placeholder: pydyf.Stream, path: Path) -> EmbeddedFile:
    """The placeholder's stream with the content, checksum and size of the file at `path`, compressed as pydyf
    would (Flate, level 9), in the placeholder's place (its object number)."""
    digest, packer, size, packed = hashlib.md5(usedforsecurity=False), zlib.compressobj(level=9), 0, []
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            packed.append(packer.compress(chunk))
    packed.append(packer.flush())
    stream = EmbeddedFile([b"".join(packed)], dict(placeholder.extra))
    stream.number, stream.generation, stream.free = placeholder.number, placeholder.generation, placeholder.free
    stream.extra["Filter"] = "/FlateDecode"
    stream.extra["Params"]["CheckSum"] = f"<{digest.hexdigest()}>"
    stream.extra["Params"]["Size"] = size
    return stream
