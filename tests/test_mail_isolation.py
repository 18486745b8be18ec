"""Mail parsed in bounded worker processes, and mail an import has taken never parsed again.

The limits are lowered for these tests (the worker inherits them when it forks), so that real hostile mailboxes,
small enough for a test, cross them: a mailbox that exhausts its worker's memory or dwells too long on one message
is stopped with the reason, and every other file of the import is still read."""

from __future__ import annotations

from pathlib import Path

from aitk_forms import limits
from aitk_forms.formats import CODECS
from aitk_forms.importer import import_files
from aitk_forms.mail import message as mail_message
from aitk_forms.sample import sample_answers
from aitk_forms.store import open_store
from mail_corpus import mail, mbox

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MiB = 1024 * 1024


def filled_risk(small_content, folder: Path, seed: int = 1) -> Path:
    form = small_content.form("risk")
    blank, target = folder / "blank.xlsx", folder / f"risk-{seed}.xlsx"
    CODECS["xlsx"].render(small_content, form, "en", blank)
    CODECS["xlsx"].fill(small_content, form, "en", blank, target, sample_answers(form, seed, completeness=1.0))
    return target


def by_path(result) -> dict[str, object]:
    return {f.path: f for f in result.files}


def slow_message() -> bytes:
    """A message of a million header fields: parsing it takes seconds, though it is only 14 MB."""
    fields = b"".join(b"X-Field-%d: value\r\n" % number for number in range(1_000_000))
    return fields + b"Subject: slow\r\nMessage-ID: <slow@agency.example>\r\n\r\nNothing here.\r\n"


def test_a_mailbox_that_exhausts_its_workers_memory_is_stopped_with_the_reason_and_the_other_files_are_read(
    small_content, tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "MAIL_MEMORY_BYTES", 64 * MiB)
    form = filled_risk(small_content, tmp_path)
    heavy = mail([("big.xlsx", b"PK" + bytes(40 * MiB), XLSX)], message_id="<heavy@agency.example>").as_bytes()
    hostile = tmp_path / "hostile.mbox"
    hostile.write_bytes(mbox([heavy]))
    result = import_files(small_content, [hostile, form])
    files = by_path(result)
    assert files[str(form)].status == "accepted"
    stopped = [f for f in result.files if f.path == str(hostile) and f.status == "rejected"]
    assert len(stopped) == 1 and "memory" in stopped[0].reason, [(f.path, f.reason) for f in result.files]


def test_a_mailbox_that_dwells_too_long_on_one_message_is_stopped_and_what_came_before_is_kept(
    small_content, tmp_path, monkeypatch
):
    monkeypatch.setattr(limits, "MAIL_MESSAGE_SECONDS", 0.1)  # the slow message takes 0.5 s or more; the first, milliseconds
    form = filled_risk(small_content, tmp_path)
    returned = mail([("risk.xlsx", form.read_bytes(), XLSX)], message_id="<before@agency.example>").as_bytes()
    hostile = tmp_path / "slow.mbox"
    hostile.write_bytes(mbox([returned, slow_message()]))
    other = filled_risk(small_content, tmp_path, seed=2)
    result = import_files(small_content, [hostile, other])
    files = by_path(result)
    assert files[str(other)].status == "accepted"
    assert files["slow.mbox#1/risk.xlsx"].status == "accepted"  # read before the slow message
    stopped = files[str(hostile)]
    assert stopped.status == "rejected" and "longer than the 0.1 s limit" in stopped.reason
    assert "after 1 message had been read" in stopped.reason


def test_a_second_import_of_an_mbox_of_50000_messages_into_a_store_parses_none_of_them(small_content, tmp_path, monkeypatch):
    form = filled_risk(small_content, tmp_path).read_bytes()
    note = mail(subject="A note", message_id=None).as_bytes()  # no Message-ID: each is known by its content's hash
    messages = [note.replace(b"A note", b"Note %05d" % n) for n in range(50_000)]
    for slot in range(10):  # every 5,000th message returns a form
        messages[slot * 5000 + 4999] = mail([("risk.xlsx", form, XLSX)], message_id=f"<return-{slot}@agency.example>").as_bytes()
    box = tmp_path / "inbox.mbox"
    box.write_bytes(mbox(messages))
    returns = [f"inbox.mbox#{slot * 5000 + 5000}/risk.xlsx" for slot in range(10)]
    with open_store(str(tmp_path / "store.db")) as store:
        first = import_files(small_content, [box], store=store)
        assert [f.path for f in first.files] == returns
        assert [f.status for f in first.files] == ["accepted"] + ["duplicate"] * 9  # the same file ten times

        def parsed(*args, **kwargs):  # the worker forks with this in place: any message parsed is reported
            raise AssertionError("a message taken by the first import was parsed again")

        monkeypatch.setattr(mail_message, "_read", parsed)
        second = import_files(small_content, [box], store=store)
        assert [(f.path, f.status) for f in second.files] == [(path, "known") for path in returns]
        late = mail([("late.xlsx", form, XLSX)], message_id="<late@agency.example>")
        box.write_bytes(box.read_bytes() + mbox([late.as_bytes()]))
        third = import_files(small_content, [box], store=store)
        assert [(f.path, f.status) for f in third.files] == [
            *[(path, "known") for path in returns],
            ("inbox.mbox#50001", "rejected"),  # the new message is parsed: here that reaches the planted failure
        ]
        assert "AssertionError" in third.files[-1].reason
