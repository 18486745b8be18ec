"""Files that mail programs wrap attachments in: Outlook's winmail.dat (TNEF), S/MIME and PGP/MIME, and Outlook .msg
messages, built by the tests to the published structures (Outlook itself cannot run here) or made with openssl."""

from __future__ import annotations

import subprocess
from email.message import EmailMessage
from pathlib import Path

import pytest

from aitk_forms.mail import message_key
from conftest import require_client
from mail_corpus import (
    base64_part,
    found,
    mail,
    mbox,
    outlook_msg,
    outlook_storage,
    paths,
    tiny_docx,
    tiny_pdf,
    tiny_xlsx,
    tnef,
    write,
)

PDF = "application/pdf"


def test_winmail_dat_yields_its_files_under_their_long_names(tmp_path):
    inner = tnef([("UNIT-9~1.XLS", tiny_xlsx("nine"), "unit-9 risk form.xlsx")])
    winmail = tnef(
        [("r\xe9sum\xe9.pdf", tiny_pdf(), None), ("UNIT-8~1.DOC", tiny_docx(), "unit-8 workbook.docx")], embedded=inner
    )
    message = mail([("winmail.dat", winmail, "application/ms-tnef")])
    attachments, skipped = found(write(tmp_path, "rich.eml", message.as_bytes()))
    assert skipped == []
    assert paths(attachments) == [
        "rich.eml#1/winmail.dat/résumé.pdf",
        "rich.eml#1/winmail.dat/unit-8 workbook.docx",
        "rich.eml#1/winmail.dat/Fwd_ form/unit-9 risk form.xlsx",
    ]
    assert [a.data for a in attachments] == [tiny_pdf(), tiny_docx(), tiny_xlsx("nine")]


def test_a_damaged_winmail_dat_is_rejected_with_a_reason(tmp_path):
    winmail = tnef([("form.xlsx", tiny_xlsx(), None)])
    message = mail([("winmail.dat", winmail[:-40], "application/ms-tnef"), ("other.pdf", tiny_pdf(), PDF)])
    message.add_attachment(winmail[4:], maintype="application", subtype="ms-tnef", filename="noname.dat")
    attachments, skipped = found(write(tmp_path, "cut.eml", message.as_bytes()))
    assert paths(attachments) == ["cut.eml#1/other.pdf"]
    assert [(s.path, s.status) for s in skipped] == [("cut.eml#1/winmail.dat", "rejected"), ("cut.eml#1/noname.dat", "rejected")]
    assert "winmail.dat is damaged (it is cut short)" in skipped[0].reason
    assert "winmail.dat is damaged (it is not a TNEF stream)" in skipped[1].reason


@pytest.fixture(scope="module")
def signer(tmp_path_factory) -> tuple[Path, Path]:
    """A throwaway certificate and key, made with the openssl program."""
    openssl = require_client("openssl")
    folder = tmp_path_factory.mktemp("smime")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=unit7@agency.example", "-days", "2"],
        check=True,
        capture_output=True,
    )
    return cert, key


def entity_with_form() -> bytes:
    entity = EmailMessage()
    entity.set_content("Our form, signed.")
    entity.add_attachment(tiny_xlsx("signed"), maintype="application", subtype="octet-stream", filename="signed unit.xlsx")
    return entity.as_bytes()


def openssl_mail(tmp_path: Path, arguments: list[str]) -> Path:
    source = write(tmp_path, "entity.txt", entity_with_form())
    out = tmp_path / "smime.eml"
    command = [require_client("openssl"), *arguments, "-in", str(source), "-out", str(out), "-from", "unit7@agency.example"]
    subprocess.run(command + ["-subject", "Signed form"], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("opaque", [False, True], ids=["multipart-signed", "pkcs7-signed-data"])
def test_smime_signed_messages_are_read(tmp_path, signer, opaque):
    cert, key = signer
    arguments = ["smime", "-sign", "-signer", str(cert), "-inkey", str(key)] + (["-nodetach"] if opaque else [])
    [attachment], skipped = found(openssl_mail(tmp_path, arguments))
    assert skipped == []
    assert (attachment.path, attachment.data) == ("smime.eml#1/signed unit.xlsx", tiny_xlsx("signed"))
    assert attachment.source.subject == "Signed form"


def test_an_smime_encrypted_message_is_listed_with_what_to_do(tmp_path, signer):
    cert, _ = signer
    attachments, [skipped] = found(openssl_mail(tmp_path, ["cms", "-encrypt", "-aes256", "-recip", str(cert)]))
    assert attachments == []
    assert (skipped.path, skipped.status) == ("smime.eml#1", "rejected")
    assert (
        skipped.reason.startswith("an encrypted message (S/MIME)") and "save the attachment and import the file" in skipped.reason
    )


def test_pgp_mime_signed_content_is_read_and_pgp_encrypted_is_rejected(tmp_path):
    signed = (
        b"Subject: signed\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary=s\r\n\r\n'
        b"--s\r\n" + entity_with_form() + b"\r\n--s\r\nContent-Type: application/pgp-signature; name=signature.asc\r\n\r\n"
        b"-----BEGIN PGP SIGNATURE-----\r\nabc\r\n-----END PGP SIGNATURE-----\r\n--s--\r\n"
    )
    encrypted = (
        b"Subject: secret\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary=e\r\n\r\n'
        b"--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e\r\n"
        b"Content-Type: application/octet-stream; name=encrypted.asc\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--e--\r\n"
    )
    attachments, skipped = found(write(tmp_path, "pgp.mbox", mbox([signed, encrypted])))
    assert [(a.path, a.data) for a in attachments] == [("pgp.mbox#1/signed unit.xlsx", tiny_xlsx("signed"))]
    assert [(s.path, s.status) for s in skipped] == [("pgp.mbox#2", "rejected")]
    assert "encrypted message (PGP/MIME)" in skipped[0].reason


def test_signed_data_that_cannot_be_read_is_rejected_with_a_reason(tmp_path):
    part = base64_part(b'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"', b"\x30\x03\x02\x01\x01")
    message = b"Subject: odd\r\nMIME-Version: 1.0\r\n" + part
    attachments, [skipped] = found(write(tmp_path, "odd.eml", message))
    assert attachments == []
    assert skipped.status == "rejected" and skipped.reason.startswith("a signed message (S/MIME) whose content could not be read")


@pytest.mark.parametrize("unicode", [True, False], ids=["unicode", "8-bit"])
def test_an_outlook_msg_yields_its_attachments_and_those_of_attached_messages(tmp_path, unicode):
    embedded = outlook_storage(
        "Fwd: unit 4", [{"name": "unit-4.xlsx", "data": tiny_xlsx("four")}], embedded=True, unicode=unicode
    )
    attachments_in = [
        {"name": "unité 2.xlsx", "data": tiny_xlsx("two")},
        {"name": "large.pdf", "data": tiny_pdf() + b"%" * 6000},  # past the 4096-byte mini stream
        {"name": "Fwd: unit 4", "message": embedded},
    ]
    data = outlook_msg("Réponse formulaire", attachments_in, unicode=unicode)
    attachments, skipped = found(write(tmp_path, "reply.msg", data))
    assert skipped == []
    assert paths(attachments) == ["reply.msg#1/unité 2.xlsx", "reply.msg#1/large.pdf", "reply.msg#1/Fwd_ unit 4/unit-4.xlsx"]
    assert attachments[1].data == tiny_pdf() + b"%" * 6000
    assert attachments[0].source.as_json() == {
        "container": "reply.msg",
        "message_id": "<msg1@agency.example>",
        "from": "Unit Seven <unit7@agency.example>",
        "date": "2026-03-03T10:00:00+00:00",
        "subject": "Réponse formulaire",
    }
    assert attachments[0].source.key == message_key(b"Message-ID: <msg1@agency.example>\r\n\r\n")


def test_an_outlook_msg_attached_to_a_mail_is_opened_and_a_damaged_one_is_rejected(tmp_path):
    good = outlook_msg("Form", [{"name": "unit-1.xlsx", "data": tiny_xlsx("one")}])
    message = mail([("Form.msg", good, "application/vnd.ms-outlook"), ("Broken.msg", good[:1536], "application/vnd.ms-outlook")])
    attachments, skipped = found(write(tmp_path, "m.eml", message.as_bytes()))
    assert [(a.path, a.data) for a in attachments] == [("m.eml#1/Form.msg/unit-1.xlsx", tiny_xlsx("one"))]
    assert [(s.path, s.status) for s in skipped] == [("m.eml#1/Broken.msg", "rejected")]
