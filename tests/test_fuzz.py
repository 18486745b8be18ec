"""Fuzzing the readers: valid forms of every format, mutated byte by byte and token by token, never crash, hang or
raise; each mutant is read, or rejected with a specific reason. Deterministic (derandomized) and bounded."""

from __future__ import annotations

import io
import re
import signal
import zipfile
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aitk_forms.formats import CODECS
from aitk_forms.importer import read_file
from aitk_forms.outcomes import STATUSES
from aitk_forms.sample import sample_answers
from hostile_corpus import rezip

EXAMPLES = 200  # per format and kind of mutation: about 20 s in all on the 2-core machine
HANG_SECONDS = 10  # far above the slowest read seen (~0.3 s): past it the reader is taken to hang
FUZZ = settings(
    derandomize=True,
    max_examples=EXAMPLES,
    deadline=3000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CATCH_ALL = "the file could not be read ("  # the importer's reason for an exception no reader foresaw
# Parts each reader parses: where a mutation reaches the reading code rather than the zip checksum.
READ_PARTS = {
    "xlsx": ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet5.xml"),
    "docx": ("word/document.xml", "docProps/custom.xml"),
}
TOKENS = {
    "xml": re.compile(rb">[^<]{1,80}<|\"[^\"]{0,40}\"|<[a-zA-Z:]+"),
    "pdf": re.compile(rb"/[A-Za-z]+|\d+ \d+ R|\([^)]{0,60}\)|<[0-9A-Fa-f]{2,80}>|-?\d+(\.\d+)?|\[|\]|<<|>>"),
}
NASTY = st.sampled_from(
    [b"", b"0", b"-1", b"99999999999999999999", b"1e400", b"nan", b"\x00", b"&amp;", b"&x;", b"<", b"]]>", b"/Kids",
     b"1 0 R", b"999 0 R", b"<<", b"[", b"()", b"\xff\xfe", "\u202e\u0661".encode(), b"=cmd|' /C calc'!A0"]
)  # fmt: skip
BYTE_EDITS = st.lists(
    st.tuples(st.sampled_from(["flip", "insert", "delete", "truncate"]), st.floats(0, 1), st.binary(min_size=1, max_size=6)),
    min_size=1,
    max_size=4,
)
TOKEN_EDITS = st.lists(st.tuples(st.floats(0, 1), st.one_of(NASTY, st.binary(max_size=12))), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def forms(small_content, tmp_path_factory):
    """A filled risk form in each format, as bytes, and a folder for the mutants."""
    tmp = tmp_path_factory.mktemp("fuzz")
    form = small_content.form("risk")
    made = {}
    for fmt in ("xlsx", "docx", "pdf"):
        blank, filled = tmp / f"blank.{fmt}", tmp / f"filled.{fmt}"
        CODECS[fmt].render(small_content, form, "en", blank)
        CODECS[fmt].fill(small_content, form, "en", blank, filled, sample_answers(form, 3))
        made[fmt] = filled.read_bytes()
    return made, tmp


READABLE_CODECS = ("xlsx", "docx", "pdf")


def edit_bytes(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for kind, where, payload in edits:
        at = int(where * max(len(out) - 1, 0))
        if kind == "flip":
            out[at : at + len(payload)] = bytes(b ^ p for b, p in zip(out[at : at + len(payload)], payload, strict=False))
        elif kind == "insert":
            out[at:at] = payload
        elif kind == "delete":
            del out[at : at + len(payload) * 37]
        else:
            del out[max(at, 1) :]
    return bytes(out)


def edit_tokens(data: bytes, pattern: re.Pattern, edits, keep_syntax: bool = False) -> bytes:
    """Replace chosen tokens; with `keep_syntax`, only the inside of a text or attribute, escaped, so the XML stays
    well-formed and the mutant reaches the reading code rather than the parser's error."""
    matches = list(pattern.finditer(data))
    if not matches:
        return data
    chosen = {int(where * (len(matches) - 1)): payload for where, payload in edits}
    out, last = [], 0
    for index in sorted(chosen):
        match, payload = matches[index], chosen[index]
        token = match.group()
        if keep_syntax and token[:1] in (b">", b'"'):
            payload = token[:1] + escape(payload.decode("utf-8", "replace")).encode() + token[-1:]
        elif keep_syntax:
            payload = token
        out += [data[last : match.start()], payload]
        last = match.end()
    return b"".join(out + [data[last:]])


def escape(text: str) -> str:
    """Text as XML can hold it: markup escaped, characters XML 1.0 forbids dropped."""
    allowed = "".join(c for c in text if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd"))
    return allowed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@contextmanager
def no_hang():
    """Turn a reader that runs past HANG_SECONDS into a failure instead of a stuck test run."""

    def fail(*_):
        raise AssertionError(f"reading took more than {HANG_SECONDS} s: a hang")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_read_or_rejected_clearly(content, path, data: bytes) -> None:
    path.write_bytes(data)
    with no_hang():
        result = read_file(content, path)
    assert result.status in STATUSES
    if result.status == "rejected":
        assert result.reason and not result.reason.startswith(CATCH_ALL), result.reason
    else:
        assert result.form == "risk" and result.answers


@pytest.mark.parametrize("fmt", READABLE_CODECS)
@FUZZ
@given(edits=BYTE_EDITS)
def test_byte_mutations_of_a_valid_form_never_crash_the_reader(small_content, forms, fmt, edits):
    made, tmp = forms
    assert_read_or_rejected_clearly(small_content, tmp / f"bytes.{fmt}", edit_bytes(made[fmt], edits))


@pytest.mark.parametrize("fmt", ("xlsx", "docx"))
@FUZZ
@given(part_index=st.integers(0, 3), edits=TOKEN_EDITS, well_formed=st.booleans(), raw=st.none() | BYTE_EDITS)
def test_mutations_inside_the_xml_parts_never_crash_the_reader(small_content, forms, fmt, part_index, edits, well_formed, raw):
    made, tmp = forms
    name = READ_PARTS[fmt][part_index % len(READ_PARTS[fmt])]
    with zipfile.ZipFile(io.BytesIO(made[fmt])) as archive:
        xml = archive.read(name)
    xml = edit_tokens(xml, TOKENS["xml"], edits, keep_syntax=well_formed)
    if raw and not well_formed:
        xml = edit_bytes(xml, raw)
    assert_read_or_rejected_clearly(small_content, tmp / f"part.{fmt}", rezip(made[fmt], {name: xml}))


@FUZZ
@given(edits=TOKEN_EDITS)
def test_token_mutations_of_a_pdf_never_crash_the_reader(small_content, forms, edits):
    made, tmp = forms
    assert_read_or_rejected_clearly(small_content, tmp / "tokens.pdf", edit_tokens(made["pdf"], TOKENS["pdf"], edits))
