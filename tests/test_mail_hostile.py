"""Hostile and damaged mail: each message is set aside with a reason a coordinator can act on, and every other
message of the mailbox is still read. Limits are lowered where the real ones would need gigabytes."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aitk_forms.limits import RATIO_FLOOR
from aitk_forms.mail import Attachment, MailLimits, read_mail
from hostile_corpus import lie_about_size
from mail_corpus import (
    ATTACHED,
    XLSX_TYPE,
    base64_part,
    found,
    mail,
    mbox,
    paths,
    raw_message,
    tiny_pdf,
    tiny_xlsx,
    write,
    zipped,
)


def good(n: int) -> bytes:
    return mail([(f"unit-{n}.xlsx", tiny_xlsx(str(n)), XLSX_TYPE)], message_id=f"<good{n}@agency.example>").as_bytes()


def around(hostile: bytes) -> list[bytes]:
    """A hostile message between two good ones."""
    return [good(1), hostile, good(3)]


def test_a_message_of_10000_parts_is_rejected_before_it_is_parsed_and_the_next_messages_are_read(tmp_path):
    parts = [b"Content-Type: text/plain\r\n\r\npart %d" % n for n in range(10_000)]
    attachments, [skipped] = found(write(tmp_path, "parts.mbox", mbox(around(raw_message(parts)))))
    assert paths(attachments) == ["parts.mbox#1/unit-1.xlsx", "parts.mbox#3/unit-3.xlsx"]
    assert (skipped.path, skipped.status) == ("parts.mbox#2", "rejected")
    assert skipped.reason.startswith("the message has more than 500 parts")
    assert skipped.source.message_id == "<raw@agency.example>"


def test_files_inside_a_message_count_towards_its_parts_limit(tmp_path):
    archive = zipped({f"f{n}.xlsx": tiny_xlsx(str(n)) for n in range(12)})
    attachments, skipped = found(
        write(tmp_path, "many.eml", mail([("many.zip", archive, "application/zip")]).as_bytes()),
        limits=MailLimits(parts_per_message=10),
    )
    assert len(attachments) == 9  # the zip itself is the first of ten files
    assert [(s.status, s.reason.startswith("the message has more than 10 parts")) for s in skipped] == [("rejected", True)]


def test_an_attachment_larger_than_the_limit_is_rejected_whatever_size_its_headers_declare(tmp_path):
    declared = b"Content-Type: application/octet-stream\r\nContent-Length: 2147483648\r\n"
    declared += b'Content-Disposition: attachment; filename="big.xlsx"; size=2147483648'
    big = raw_message([base64_part(declared, b"PK\x03\x04" + bytes(100 * 1024))])
    small = raw_message([base64_part(declared, tiny_xlsx())])
    limits = MailLimits(attachment_bytes=64 * 1024)
    attachments, [skipped] = found(write(tmp_path, "big.mbox", mbox([big, small])), limits=limits)
    assert (skipped.path, skipped.status) == ("big.mbox#1/big.xlsx", "rejected")
    assert skipped.reason == "the attachment is 100 KB, more than the 64 KB limit for one attachment: not read"
    assert [(a.path, a.data) for a in attachments] == [("big.mbox#2/big.xlsx", tiny_xlsx())]  # the declared size is not trusted


def test_a_message_larger_than_the_limit_is_rejected_and_the_next_one_is_read(tmp_path):
    huge = mail([("scan.pdf", tiny_pdf() + bytes(300 * 1024), "application/pdf")], message_id="<huge@agency.example>").as_bytes()
    attachments, [skipped] = found(write(tmp_path, "huge.mbox", mbox(around(huge))), limits=MailLimits(message_bytes=200 * 1024))
    assert paths(attachments) == ["huge.mbox#1/unit-1.xlsx", "huge.mbox#3/unit-3.xlsx"]
    assert (skipped.path, skipped.status) == ("huge.mbox#2", "rejected")
    assert skipped.reason.startswith("the message is 0.4 MB, more than the 0.2 MB limit for one message")


def test_a_content_length_header_that_lies_does_not_swallow_the_next_message(tmp_path):
    liar = mail(
        [("a.pdf", tiny_pdf(), "application/pdf")], headers={"Content-Length": "999999999"}, message_id="<liar@a.example>"
    )
    attachments, _ = found(write(tmp_path, "lie.mbox", mbox(around(liar.as_bytes()))))
    assert paths(attachments) == ["lie.mbox#1/unit-1.xlsx", "lie.mbox#2/a.pdf", "lie.mbox#3/unit-3.xlsx"]


def test_an_mbox_with_more_messages_than_the_limit_stops_with_a_reason(tmp_path):
    box = write(tmp_path, "long.mbox", mbox([good(n) for n in range(1, 6)]))
    attachments, [skipped] = found(box, limits=MailLimits(messages_per_mbox=3))
    assert paths(attachments) == [f"long.mbox#{n}/unit-{n}.xlsx" for n in (1, 2, 3)]
    assert (skipped.path, skipped.status) == ("long.mbox#4", "rejected")
    assert "more than 3 messages" in skipped.reason and "split the mailbox" in skipped.reason


def test_a_zip_bomb_attachment_is_refused_before_it_is_expanded(tmp_path):
    bomb = zipped({"unit.xlsx": bytes(4 * RATIO_FLOOR)})
    lying = lie_about_size(zipped({"unit.xlsx": tiny_xlsx() * 20}), "unit.xlsx", 64)
    message = mail(
        [
            ("bomb.zip", bomb, "application/zip"),
            ("lying.zip", lying, "application/zip"),
            ("ok.pdf", tiny_pdf(), "application/pdf"),
        ]
    )
    attachments, skipped = found(write(tmp_path, "bomb.eml", message.as_bytes()))
    assert paths(attachments) == ["bomb.eml#1/ok.pdf"]
    assert [(s.path, s.status) for s in skipped] == [
        ("bomb.eml#1/bomb.zip", "rejected"),
        ("bomb.eml#1/lying.zip/unit.xlsx", "rejected"),
    ]
    assert (
        skipped[0].reason
        == "the zip archive cannot be opened: part 'unit.xlsx' is compressed suspiciously well (a zip bomb?); it was not opened"
    )
    assert "damaged" in skipped[1].reason


def test_names_that_climb_folders_or_hold_control_characters_become_safe_base_names(tmp_path):
    parts = [
        base64_part(ATTACHED + b'filename="../../x.xlsx"', tiny_xlsx("x")),
        base64_part(ATTACHED + b"filename*=utf-8''unit%07%0D%0A7%E2%80%AE.xlsx", tiny_xlsx("7")),
    ]
    archive = zipped({"../../../etc/evil.xlsx": tiny_xlsx("evil"), "a/./../b/x.pdf": tiny_pdf()})
    message = raw_message([*parts, base64_part(b'Content-Type: application/zip; name="..\\\\up.zip"', archive)])
    attachments, _ = found(write(tmp_path, "names.eml", message))
    assert [(a.path, a.name) for a in attachments] == [
        ("names.eml#1/x.xlsx", "x.xlsx"),
        ("names.eml#1/unit7.xlsx", "unit7.xlsx"),
        ("names.eml#1/up.zip/etc/evil.xlsx", "evil.xlsx"),
        ("names.eml#1/up.zip/a/b/x.pdf", "x.pdf"),
    ]


def test_a_wrong_mime_boundary_is_recovered_from_the_delimiters_the_body_uses(tmp_path):
    wrong = raw_message([base64_part(b'Content-Type: application/pdf; name="form.pdf"', tiny_pdf())]).replace(
        b"boundary=sep", b"boundary=nope"
    )
    missing = wrong.replace(b"; boundary=nope", b"")
    attachments, skipped = found(write(tmp_path, "b.mbox", mbox([wrong, missing])))
    assert paths(attachments) == ["b.mbox#1/form.pdf", "b.mbox#2/form.pdf"] and skipped == []


def test_a_multipart_whose_parts_cannot_be_told_apart_is_rejected_with_a_reason(tmp_path):
    garbled = b"Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=sep\r\n\r\nno delimiter at all\r\n"
    attachments, [skipped] = found(write(tmp_path, "g.mbox", mbox(around(garbled))))
    assert paths(attachments) == ["g.mbox#1/unit-1.xlsx", "g.mbox#3/unit-3.xlsx"]
    assert (skipped.path, skipped.status) == ("g.mbox#2", "rejected")
    assert skipped.reason.startswith("the message's MIME structure is damaged")


def test_headers_in_raw_8_bit_bytes_are_decoded_as_utf_8_or_latin_1(tmp_path):
    part = base64_part(
        b'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="r\xe9ponse.xlsx"', tiny_xlsx()
    )
    latin = raw_message([part], headers=b"From: J\xe9r\xf4me <j@agency.example>\r\nSubject: R\xe9ponse du service\r\n")
    utf8 = raw_message(
        [part], headers=b"From: \xc5\x81ukasz <l@agency.example>\r\nSubject: \xd0\x9e\xd1\x82\xd0\xb2\xd0\xb5\xd1\x82\r\n"
    )
    attachments, _ = found(write(tmp_path, "8bit.mbox", mbox([latin, utf8])))
    assert [(a.name, a.source.sender, a.source.subject) for a in attachments] == [
        ("réponse.xlsx", "Jérôme <j@agency.example>", "Réponse du service"),
        ("réponse.xlsx", "Łukasz <l@agency.example>", "Ответ"),
    ]


def test_parts_nested_deeper_than_the_limit_are_rejected_and_shallower_files_are_still_read(tmp_path):
    inner = base64_part(b'Content-Type: application/pdf; name="deep.pdf"', tiny_pdf())
    for level in range(12):
        inner = b"Content-Type: multipart/mixed; boundary=n%d\r\n\r\n--n%d\r\n%s\r\n--n%d--" % (level, level, inner, level)
    shallow = base64_part(b'Content-Type: application/pdf; name="shallow.pdf"', tiny_pdf())
    attachments, [skipped] = found(write(tmp_path, "deep.eml", raw_message([shallow, inner])))
    assert paths(attachments) == ["deep.eml#1/shallow.pdf"]
    assert skipped.status == "rejected" and skipped.reason.startswith("nested more than 8 levels deep")


def test_forwarded_messages_nested_past_the_limit_are_rejected(tmp_path):
    message = mail([("unit.xlsx", tiny_xlsx(), XLSX_TYPE)])
    for n in range(10):
        outer = mail(subject=f"Fwd {n}", message_id=f"<fwd{n}@a.example>")
        outer.add_attachment(message, filename=f"fwd{n}.eml")
        message = outer
    attachments, [skipped] = found(write(tmp_path, "fwd.eml", message.as_bytes()))
    assert attachments == [] and skipped.status == "rejected" and "levels deep" in skipped.reason


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_damaged_message_stops_the_mailbox(tmp_path, data):
    """Random damage to a message never raises out of read_mail and never hides its neighbours' forms."""
    original = bytearray(
        mail([("a.pdf", tiny_pdf(), "application/pdf"), ("b.zip", zipped({"c.xlsx": tiny_xlsx()}), "application/zip")]).as_bytes()
    )
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position : position + data.draw(st.integers(0, 40))] = data.draw(st.binary(max_size=40))
    box = write(tmp_path, "fuzz.mbox", mbox(around(bytes(original).replace(b"\nFrom ", b"\n>From "))))
    items = list(read_mail(box))
    assert [i.path for i in items if "/unit-" in i.path] == ["fuzz.mbox#1/unit-1.xlsx", "fuzz.mbox#3/unit-3.xlsx"]
    assert all(i.reason for i in items if not isinstance(i, Attachment))


MEMORY_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from aitk_forms.mail import Attachment, read_mail

    def memory_mb(field):
        # VmHWM is this process's own peak; ru_maxrss would include the parent's size at fork.
        line = next(l for l in open("/proc/self/status") if l.startswith(field + ":"))
        return int(line.split()[1]) / 1024

    class Lookups(set):
        asked = 0
        def __contains__(self, key):
            Lookups.asked += 1
            return super().__contains__(key)

    box = Path(sys.argv[1])
    before = memory_mb("VmRSS")
    keys = []
    first = [(i.path, isinstance(i, Attachment)) for i in read_mail(box, on_message=keys.append)]
    grown_mb = memory_mb("VmHWM") - before
    skip = Lookups(keys)
    second = list(read_mail(box, skip=skip))
    result = {"first": first, "keys": len(set(keys)), "grown_mb": grown_mb, "second": len(second)}
    print(json.dumps(result | {"asked": Lookups.asked}))
    """
)


def write_large_mbox(path: Path, messages: int, forms: set[int]) -> None:
    """An mbox of plain notes, some HTML newsletters and a few returned forms, written as it is made."""
    lines = b"".join(b"Line %d of a note about the weekly meeting, with nothing attached to it at all.\n" % n for n in range(12))
    plain = b"From: Person %d <p@agency.example>\nSubject: Weekly note %d\nDate: Tue, 3 Mar 2026 10:00:00 +0000\n"
    plain += b"Message-ID: <n%d@agency.example>\nContent-Type: text/plain; charset=utf-8\n\n" + lines
    html = b"From: News %d <news@agency.example>\nSubject: Newsletter %d\nMessage-ID: <h%d@agency.example>\n"
    html += b"MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\n"
    html += lines + b"--a\nContent-Type: text/html\n\n<p>" + lines + b"</p>\n--a--\n"
    form = b"From: Unit %d <u@agency.example>\nSubject: Returned form %d\nMessage-ID: <f%d@agency.example>\n"
    form += b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nAttached.\n"
    form += b'--m\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="unit-%d.xlsx"\n'
    form += b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(tiny_xlsx()) + b"--m--\n"
    with open(path, "wb") as handle:
        for n in range(messages):
            template = form if n in forms else html if n % 50 == 0 else plain
            handle.write(b"From p@agency.example Tue Mar  3 10:00:00 2026\n" + template % ((n,) * template.count(b"%d")) + b"\n")


def test_an_mbox_of_50000_messages_is_read_with_bounded_memory_and_a_second_pass_reads_none_again(tmp_path):
    box = tmp_path / "year.mbox"
    forms = {2_500 + 5_000 * n for n in range(10)}
    write_large_mbox(box, 50_000, forms)
    size_mb = box.stat().st_size / (1024 * 1024)
    run = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(box)], capture_output=True, text=True, check=True, timeout=120)
    result = json.loads(run.stdout)
    assert sorted(path for path, is_form in result["first"] if is_form) == sorted(
        f"year.mbox#{n + 1}/unit-{n}.xlsx" for n in forms
    )
    assert len(result["first"]) == 10  # plain notes and newsletters carry nothing to list
    assert result["keys"] == 50_000
    assert size_mb > 50 and result["grown_mb"] < 25, f"reading a {size_mb:.0f} MB mbox grew memory by {result['grown_mb']:.0f} MB"
    assert result["second"] == 0 and result["asked"] == 50_000  # every message passed over by its key, none parsed
