"""Reading returned forms straight from mail files: where attachments are found, what they are called, which message
they came from, and what is listed as not a form."""

from __future__ import annotations

import hashlib

import pytest

from aitk_forms.mail import mail_kind, message_key, read_mail, safe_name
from mail_corpus import (
    ATTACHED,
    XLSX_TYPE,
    base64_part,
    compound_file,
    found,
    mail,
    mbox,
    outlook_msg,
    paths,
    raw_message,
    tiny_docx,
    tiny_pdf,
    tiny_xlsx,
    write,
    zipped,
)

PDF = "application/pdf"


def test_mail_kind_recognises_each_container_by_its_content_not_its_name(tmp_path):
    assert mail_kind(write(tmp_path, "message.txt", mail().as_bytes())) == "eml"
    assert mail_kind(write(tmp_path, "archive.dat", mbox([mail().as_bytes()]))) == "mbox"
    assert mail_kind(write(tmp_path, "saved.bin", outlook_msg("Form", []))) == "msg"
    for folder in ("cur", "new", "tmp"):
        (tmp_path / "Maildir" / folder).mkdir(parents=True)
    assert mail_kind(tmp_path / "Maildir") == "maildir"


@pytest.mark.parametrize(
    "name, data",
    [
        ("form.xlsx", tiny_xlsx()),
        ("form.pdf", tiny_pdf()),
        ("respondents.csv", b"unit,name,email,lang\nCyber,Ann,ann@example.org,en\n"),
        ("content.yaml", b"form: risk\nsubject: privacy\n"),
        ("empty.eml", b""),
        ("old.doc", compound_file({"WordDocument": b"\0" * 100})),
    ],
)
def test_mail_kind_is_none_for_files_that_are_not_mail(tmp_path, name, data):
    assert mail_kind(write(tmp_path, name, data)) is None


def test_a_folder_without_cur_and_new_is_not_a_maildir(tmp_path):
    (tmp_path / "returns" / "cur").mkdir(parents=True)
    assert mail_kind(tmp_path / "returns") is None


def test_an_attachment_comes_with_its_path_and_the_message_it_came_from(tmp_path):
    message = mail(
        [("unit-7.xlsx", tiny_xlsx(), XLSX_TYPE)],
        subject="Réponse : formulaire de risque",
        sender="Zoë Ünit <Zoe@Agency.example>",
    )
    [attachment], skipped = found(write(tmp_path, "reply.eml", message.as_bytes()))
    assert skipped == []
    assert (attachment.path, attachment.name, attachment.data) == ("reply.eml#1/unit-7.xlsx", "unit-7.xlsx", tiny_xlsx())
    assert attachment.source.as_json() == {
        "container": "reply.eml",
        "message_id": "<m1@agency.example>",
        "from": "Zoë Ünit <Zoe@Agency.example>",
        "date": "2026-03-03T10:00:00+00:00",
        "subject": "Réponse : formulaire de risque",
    }
    assert attachment.source.sender_address == "zoe@agency.example"


def test_attachments_are_found_in_nested_multiparts_and_unnamed_inline_pictures_are_not_listed(tmp_path):
    message = mail(body="plain")
    message.add_alternative("<p>html <img src='cid:logo'></p>", subtype="html")
    html = message.get_payload()[1]
    html.add_related(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", cid="<logo>")
    message.make_mixed()
    message.add_attachment(tiny_pdf(), maintype="application", subtype="pdf", filename="risk.pdf")
    message.add_attachment(b"\x89PNG\r\n\x1a\n", maintype="image", subtype="png", filename="image001.png", disposition="inline")
    message.add_attachment(tiny_docx(), maintype="application", subtype="octet-stream", filename="workbook.docx")
    attachments, skipped = found(write(tmp_path, "nested.eml", message.as_bytes()))
    assert paths(attachments) == ["nested.eml#1/risk.pdf", "nested.eml#1/workbook.docx"]
    assert [(s.path, s.status) for s in skipped] == [("nested.eml#1/image001.png", "ignored")]
    assert "picture" in skipped[0].reason


def test_a_forwarded_message_is_read_down_to_its_attachments(tmp_path):
    original = mail([("unit-3.xlsx", tiny_xlsx("three"), XLSX_TYPE)], subject="Risk form", message_id="<orig@agency.example>")
    forward = mail(subject="Fwd: Risk form", message_id="<fwd@ministry.example>")
    forward.add_attachment(original, filename="Risk form.eml")
    outer = mail(subject="Fwd: Fwd: Risk form", message_id="<fwd2@ministry.example>")
    outer.add_attachment(forward)
    [attachment], _ = found(write(tmp_path, "a.eml", outer.as_bytes()))
    assert attachment.path == "a.eml#1/forwarded.eml/Risk form.eml/unit-3.xlsx"
    assert attachment.data == tiny_xlsx("three")
    assert attachment.source.message_id == "<fwd2@ministry.example>"  # the message the coordinator received


def test_a_forwarded_message_encoded_in_base64_is_decoded_first(tmp_path):
    original = mail([("unit-4.xlsx", tiny_xlsx("four"), XLSX_TYPE)]).as_bytes()
    wrapper = b'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="original.eml"'
    [attachment], _ = found(write(tmp_path, "b64.eml", raw_message([base64_part(wrapper, original)])))
    assert (attachment.path, attachment.data) == ("b64.eml#1/original.eml/unit-4.xlsx", tiny_xlsx("four"))


def test_a_zip_attachment_yields_the_forms_inside_and_lists_the_other_files(tmp_path):
    archive = zipped(
        {
            "returns/unit-1.xlsx": tiny_xlsx("one"),
            "returns/unit-2.pdf": tiny_pdf(),
            "readme.txt": b"two forms",
            "__MACOSX/returns/._unit-1.xlsx": b"\0\5\26\7",
        }
    )
    message = mail([("forms.zip", archive, "application/zip")])
    attachments, skipped = found(write(tmp_path, "z.eml", message.as_bytes()))
    assert paths(attachments) == ["z.eml#1/forms.zip/returns/unit-1.xlsx", "z.eml#1/forms.zip/returns/unit-2.pdf"]
    assert attachments[0].data == tiny_xlsx("one")
    assert [(s.path, s.status) for s in skipped] == [("z.eml#1/forms.zip/readme.txt", "ignored")]


def test_an_office_file_is_never_opened_as_an_archive_whatever_its_name(tmp_path):
    message = mail([("form.zip", tiny_xlsx(), "application/zip"), (None, tiny_docx(), "application/octet-stream")])
    attachments, _ = found(write(tmp_path, "o.eml", message.as_bytes()))
    assert [a.data for a in attachments] == [tiny_xlsx(), tiny_docx()]
    assert paths(attachments) == ["o.eml#1/form.zip", "o.eml#1/attachment.bin"]


def test_a_zip_inside_a_zip_is_opened_and_one_level_deeper_is_not(tmp_path):
    inner = zipped({"unit-5.xlsx": tiny_xlsx("five")})
    innermost = zipped({"deep.zip": zipped({"unit-6.xlsx": tiny_xlsx("six")})})
    outer = zipped({"inner.zip": inner, "more.zip": innermost})
    attachments, skipped = found(write(tmp_path, "zz.eml", mail([("all.zip", outer, "application/zip")]).as_bytes()))
    assert paths(attachments) == ["zz.eml#1/all.zip/inner.zip/unit-5.xlsx"]
    assert [(s.path, s.status) for s in skipped] == [("zz.eml#1/all.zip/more.zip/deep.zip", "rejected")]
    assert skipped[0].reason.startswith("a zip archive inside more archives than the limit of 1")


ENCODED_NAMES = {
    "rfc2231": ATTACHED + b"filename*=utf-8''unit%C3%A9%207.xlsx",
    "rfc2231-continued": ATTACHED + b"\r\n filename*0*=utf-8''unit%C3%A9;\r\n filename*1=\" 7.xlsx\"",
    "rfc2047-quoted": ATTACHED + b'filename="=?utf-8?B?dW5pdMOpIDcueGxzeA==?="',
    "rfc2047-name": b'Content-Type: application/octet-stream; name="=?iso-8859-1?Q?unit=E9_7.xlsx?="',
    "rfc2231-latin1": ATTACHED + b"filename*=iso-8859-1''unit%E9%207.xlsx",
    "raw-utf8": ATTACHED + b'filename="unit\xc3\xa9 7.xlsx"',
    "raw-latin1": ATTACHED + b'filename="unit\xe9 7.xlsx"',
}


@pytest.mark.parametrize(
    "headers",
    ENCODED_NAMES.values(),
    ids=list(ENCODED_NAMES),
)
def test_encoded_attachment_names_are_decoded(tmp_path, headers):
    [attachment], _ = found(write(tmp_path, "n.eml", raw_message([base64_part(headers, tiny_xlsx())])))
    assert attachment.name == "unité 7.xlsx"
    assert attachment.data == tiny_xlsx()


def test_a_file_that_is_not_mail_is_rejected_by_read_mail_with_a_reason(tmp_path):
    [skipped] = list(read_mail(write(tmp_path, "form.xlsx", tiny_xlsx())))
    assert (skipped.path, skipped.status) == ("form.xlsx", "rejected")
    assert "not a mail file" in skipped.reason


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "auto_reply"},
        {"Subject": "Automatic reply: Risk form for your unit"},
        {"Subject": "=?utf-8?q?R=C3=A9ponse_automatique_=3A_formulaire?="},
    ],
)
def test_an_automatic_reply_without_a_form_is_one_ignored_entry(tmp_path, headers):
    subject = headers.pop("Subject", "Re: Risk form")
    message = mail([("image001.png", b"\x89PNG\r\n\x1a\n", "image/png")], subject=subject, headers=headers)
    assert found(write(tmp_path, "ooo.eml", message.as_bytes()))[0] == []
    [skipped] = list(read_mail(tmp_path / "ooo.eml"))
    assert (skipped.path, skipped.status, skipped.reason) == (
        "ooo.eml#1",
        "ignored",
        "an automatic reply (out of office or similar), not a returned form",
    )


def test_an_automatic_message_that_carries_a_form_yields_the_form(tmp_path):
    message = mail([("unit.xlsx", tiny_xlsx(), XLSX_TYPE)], headers={"Auto-Submitted": "auto-generated"})
    attachments, skipped = found(write(tmp_path, "rule.eml", message.as_bytes()))
    assert paths(attachments) == ["rule.eml#1/unit.xlsx"] and skipped == []


def test_a_bounce_is_one_ignored_entry_naming_the_address_and_the_blank_form_it_returns_is_not_read(tmp_path):
    sent = mail(
        [("risk.xlsx", tiny_xlsx("blank"), XLSX_TYPE)], sender="coordinator@ministry.example", message_id="<sent@x.example>"
    )
    bounce = (
        b"From: Mail Delivery System <MAILER-DAEMON@ministry.example>\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nThe message could not be delivered.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ministry.example\r\n\r\n"
        b"Final-Recipient: rfc822; unit9@agency.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + sent.as_bytes() + b"\r\n--b--\r\n"
    )
    [skipped] = list(read_mail(write(tmp_path, "bounce.eml", bounce)))
    assert (skipped.path, skipped.status) == ("bounce.eml#1", "ignored")
    assert skipped.reason.startswith("a delivery failure notice (bounce) for unit9@agency.example")


def test_a_read_receipt_calendar_invitation_and_contact_card_are_listed_as_ignored(tmp_path):
    receipt = (
        b"Subject: Read: Risk form\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=disposition-notification; boundary=r\r\n\r\n--r\r\n"
        b"Content-Type: text/plain\r\n\r\nYour message was read.\r\n--r\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Disposition: manual-action/MDN-sent-manually; displayed\r\n--r--\r\n"
    )
    invitation = mail(
        [
            ("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
            ("Ann.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n", "text/vcard"),
        ]
    )
    attachments, skipped = found(write(tmp_path, "misc.mbox", mbox([receipt, invitation.as_bytes()])))
    assert attachments == []
    assert [(s.path, s.status, s.reason.split(",")[0]) for s in skipped] == [
        ("misc.mbox#1", "ignored", "a read or delivery receipt"),
        ("misc.mbox#2/invite.ics", "ignored", "a calendar invitation"),
        ("misc.mbox#2/Ann.vcf", "ignored", "a contact card (vCard)"),
    ]


def test_files_that_are_not_forms_are_ignored_but_old_office_files_go_to_the_importer(tmp_path):
    old_doc = compound_file({"WordDocument": b"\0" * 100})
    message = mail(
        [
            ("notes.txt", b"see form", "text/plain"),
            ("voice.mp3", b"ID3\x03", "audio/mpeg"),
            ("old.doc", old_doc, "application/msword"),
        ]
    )
    attachments, skipped = found(write(tmp_path, "x.eml", message.as_bytes()))
    assert [(a.path, a.data) for a in attachments] == [("x.eml#1/old.doc", old_doc)]
    assert [(s.path, s.status) for s in skipped] == [("x.eml#1/notes.txt", "ignored"), ("x.eml#1/voice.mp3", "ignored")]
    assert skipped[0].reason.startswith("a file that is not a form")


def test_an_answers_file_is_a_candidate_whatever_its_declared_type(tmp_path):
    answers = b'{"aitk": "answers/1", "form": "risk"}'
    message = mail([("risk.aitk.json", answers, "application/json"), ("saved.txt", answers, "text/plain")])
    attachments, _ = found(write(tmp_path, "j.eml", message.as_bytes()))
    assert paths(attachments) == ["j.eml#1/risk.aitk.json", "j.eml#1/saved.txt"]


def test_mbox_messages_come_in_file_order_with_numbered_paths_and_from_lines_unquoted(tmp_path):
    eight_bit = (
        b"Subject: answers\r\nMIME-Version: 1.0\r\nContent-Type: application/json; name=unit.aitk.json\r\n"
        b'Content-Transfer-Encoding: 8bit\r\n\r\n{"aitk": "answers/1",\r\nFrom the unit\r\n}\r\n'
    )
    messages = [
        mail([(f"unit-{n}.xlsx", tiny_xlsx(str(n)), XLSX_TYPE)], message_id=f"<{n}@a.example>").as_bytes() for n in (1, 2)
    ]
    attachments, _ = found(write(tmp_path, "inbox", mbox([*messages, eight_bit])))
    assert paths(attachments) == ["inbox#1/unit-1.xlsx", "inbox#2/unit-2.xlsx", "inbox#3/unit.aitk.json"]
    assert b"\nFrom the unit\n" in attachments[2].data.replace(b"\r\n", b"\n")


def test_a_maildir_is_read_in_file_name_order_across_cur_and_new(tmp_path):
    for folder in ("cur", "new", "tmp"):
        (tmp_path / "INBOX" / folder).mkdir(parents=True)
    names = {
        "cur/1700000002.M1.host:2,S": "b",
        "new/1700000001.M1.host": "a",
        "new/1700000003.M1.host": "c",
        "tmp/1700000000.M1.host": "x",
    }
    for name, marker in names.items():
        message = mail([(f"{marker}.xlsx", tiny_xlsx(marker), XLSX_TYPE)], message_id=f"<{marker}@a.example>")
        write(tmp_path / "INBOX", name, message.as_bytes())
    attachments, _ = found(tmp_path / "INBOX")
    assert paths(attachments) == ["INBOX#1/a.xlsx", "INBOX#2/b.xlsx", "INBOX#3/c.xlsx"]  # tmp/ holds unfinished deliveries


def test_message_keys_let_a_second_pass_skip_every_message_already_read(tmp_path):
    with_id = mail([("a.xlsx", tiny_xlsx("a"), XLSX_TYPE)], message_id="<same@agency.example>").as_bytes()
    without_id = mail([("b.xlsx", tiny_xlsx("b"), XLSX_TYPE)], message_id=None).as_bytes()
    plain = mail(message_id="<plain@agency.example>").as_bytes()
    box = write(tmp_path, "box.mbox", mbox([with_id, without_id, plain]))
    seen: list[str] = []
    assert len(found(box, on_message=seen.append)[0]) == 2
    assert seen == [
        "message-id:<same@agency.example>",
        "sha256:" + hashlib.sha256(without_id.replace(b"\r\n", b"\n")).hexdigest(),
        "message-id:<plain@agency.example>",
    ]
    assert message_key(with_id) == seen[0]
    again: list[str] = []
    assert list(read_mail(box, skip=set(seen), on_message=again.append)) == [] and again == []
    [copy] = found(write(tmp_path, "copy.eml", with_id), skip=set(seen))[0] or [None]
    assert copy is None  # the same message saved elsewhere is the same message


def test_reading_never_changes_the_mail_files(tmp_path):
    box = write(tmp_path, "inbox.mbox", mbox([mail([("a.xlsx", tiny_xlsx(), XLSX_TYPE)]).as_bytes()]))
    for folder in ("cur", "new", "tmp"):
        (tmp_path / "Maildir" / folder).mkdir(parents=True)
    write(tmp_path / "Maildir", "new/1.M1.host", mail([("b.pdf", tiny_pdf(), PDF)]).as_bytes())

    def state() -> list[tuple[str, bytes, int]]:
        return sorted((str(p), p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.rglob("*") if p.is_file())

    before = state()
    assert len(found(box)[0]) == 1 and len(found(tmp_path / "Maildir")[0]) == 1
    assert state() == before


@pytest.mark.parametrize(
    "name, safe",
    [
        ("../../x.xlsx", "x.xlsx"),
        ("..\\..\\Windows\\x.xlsx", "x.xlsx"),
        ("/etc/passwd", "passwd"),
        ("unit\x07\r\n7\u202e.xlsx", "unit7.xlsx"),
        ("risk?:*<>|.pdf", "risk______.pdf"),
        ("..", "attachment.bin"),
        ("  ", "attachment.bin"),
        (None, "attachment.bin"),
        ("ر" * 300 + ".aitk.json", "ر" * 140 + ".aitk.json"),
    ],
)
def test_safe_names_have_no_folders_and_no_control_characters(name, safe):
    assert safe_name(name, "attachment.bin") == safe
