"""Reading returns over IMAP and sending campaign messages over SMTP, against real servers the tests start.

Dovecot (Debian's dovecot-imapd) serves IMAP over TLS; aiosmtpd serves SMTP with STARTTLS or implicit TLS. Both use
a throwaway certificate authority from `trustme`.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import json
import os
import re
import shutil
import time
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from aitk_forms.mail import imap
from aitk_forms.mail.imap import (
    ImapError,
    ImapLocation,
    decode_mailbox_name,
    encode_mailbox_name,
    fetch_messages,
    parse_imap_url,
)
from aitk_forms.mail.send import (
    SendRecord,
    SmtpError,
    SmtpTarget,
    build_message,
    parse_smtp_url,
    send_messages,
    smtp_password,
    write_eml,
)
from mail_servers import (
    HOST,
    MAIL_PASSWORD,
    MAIL_USER,
    Certificates,
    free_port,
    start_dovecot,
    start_smtp,
    stop_dovecot,
)

RUSSIAN, CHINESE, ARABIC = "Входящие формы", "回复", "الردود"
NESTED = "Формы/2026"  # two levels: the URL writes `/`, Dovecot's Maildir uses `.` between them
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def raw_message(number: int, subject: str = "Returned form") -> bytes:
    return (
        f"From: unit{number}@agency.example\r\nTo: coordinator@agency.example\r\n"
        f"Subject: {subject} {number}\r\nMessage-ID: <return-{number}@agency.example>\r\n\r\n"
        f"Form number {number} is attached.\r\n"
    ).encode()


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    return Certificates.make(tmp_path_factory.mktemp("certificates"))


@pytest.fixture(scope="session")
def dovecot(certificates):
    if not (shutil.which("dovecot") or os.path.exists("/usr/sbin/dovecot")):
        why = "dovecot is not installed (Debian: apt-get install dovecot-imapd)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    server = start_dovecot(certificates)
    try:
        with _admin(server, certificates) as admin:
            _seed(admin)
        yield server
    finally:
        stop_dovecot(server)


def _admin(server, certificates) -> imaplib.IMAP4_SSL:
    connection = imaplib.IMAP4_SSL(HOST, server.port, ssl_context=certificates.client_context())
    connection.login(MAIL_USER, MAIL_PASSWORD)
    return connection


def _seed(admin: imaplib.IMAP4_SSL) -> None:
    """INBOX and four non-ASCII folders; in the Russian one the first message is read and the second flagged."""
    contents = {"INBOX": 2, RUSSIAN: 5, CHINESE: 1, ARABIC: 1, NESTED.replace("/", "."): 1}
    number = 0
    for folder, count in contents.items():
        name = '"' + encode_mailbox_name(folder) + '"'
        if folder != "INBOX":
            assert admin.create(name)[0] == "OK"
        for index in range(count):
            number += 1
            flags = {0: r"(\Seen)", 1: r"(\Flagged)"}.get(index, "()") if folder == RUSSIAN else "()"
            assert admin.append(name, flags, None, raw_message(number, f"Return to {folder}"))[0] == "OK"


def _flags(server, certificates, folder: str) -> dict[int, set[str]]:
    """Every message's flags, read in a separate read-only session."""
    with _admin(server, certificates) as admin:
        assert admin.select('"' + encode_mailbox_name(folder) + '"', readonly=True)[0] == "OK"
        _, data = admin.fetch("1:*", "(UID FLAGS)")
    found = {}
    for line in data:
        match = re.search(rb"UID (\d+) FLAGS \(([^)]*)\)", line)
        found[int(match.group(1))] = set(match.group(2).decode().split())
    return found


def _uidvalidity(server, certificates, folder: str) -> str:
    with _admin(server, certificates) as admin:
        _, data = admin.status('"' + encode_mailbox_name(folder) + '"', "(UIDVALIDITY)")
    return re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1).decode()


def _location(server, folder: str) -> ImapLocation:
    return ImapLocation(MAIL_USER, HOST, server.port, folder)


@pytest.fixture
def smtp(certificates):
    server = start_smtp(certificates)
    yield server
    server.controller.stop()


@pytest.fixture
def smtps(certificates):
    server = start_smtp(certificates, implicit_tls=True)
    yield server
    server.controller.stop()


# ---------------------------------------------------------------- IMAP: URLs and folder names


def test_imap_url_gives_user_host_port_and_the_folder_as_text():
    location = parse_imap_url(
        "imaps://jane%40agency.example@mail.agency.example:10993/%D0%92%D1%85%D0%BE%D0%B4%D1%8F%D1%89%D0%B8%D0%B5%20%D1%84%D0%BE%D1%80%D0%BC%D1%8B"
    )
    assert location == ImapLocation("jane@agency.example", "mail.agency.example", 10993, RUSSIAN)
    assert parse_imap_url("imaps://jane@mail.agency.example") == ImapLocation("jane", "mail.agency.example", 993, "INBOX")
    assert parse_imap_url("imaps://jane@host/Returns/2026").folder == "Returns/2026"


def test_imap_url_with_a_password_is_refused_without_repeating_the_password():
    with pytest.raises(ValueError, match="AITK_IMAP_PASSWORD") as refused:
        parse_imap_url("imaps://jane:hunter2@mail.agency.example/INBOX")
    assert "hunter2" not in str(refused.value)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("imap://jane@host/INBOX", "only imaps://"),
        ("imaps://host/INBOX", "name a user"),
        ("imaps://jane@host/Forms?x", "percent-encoded"),
        ("imaps://jane@host/%FF", "imaps://jane@host/%FF"),
    ],
)
def test_imap_url_that_cannot_be_used_says_why(url, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_imap_url(url)


def test_folder_names_encode_as_in_the_rfc_3501_example():
    assert encode_mailbox_name("~peter/mail/台北/日本語") == "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
    assert decode_mailbox_name("~peter/mail/&U,BTFw-/&ZeVnLIqe-") == "~peter/mail/台北/日本語"


@pytest.mark.parametrize("name", [RUSSIAN, CHINESE, ARABIC, "Returns & replies", "Ответы 2026 — 回复 & ردود", "📨 forms"])
def test_folder_names_in_any_language_survive_modified_utf7(name):
    encoded = encode_mailbox_name(name)
    assert encoded.isascii() and all(0x20 <= ord(ch) <= 0x7E for ch in encoded)
    assert decode_mailbox_name(encoded) == name


@pytest.mark.parametrize("text", [CHINESE, ARABIC, "Входящие"])
def test_a_run_of_non_ascii_letters_is_utf7_with_imaps_two_changes(text):
    # Python's own UTF-7 codec is an independent reference: modified UTF-7 shifts with & and writes , for /.
    reference = text.encode("utf-7").decode("ascii").replace("+", "&", 1).replace("/", ",")
    assert encode_mailbox_name(text) == reference


def test_an_ampersand_is_written_and_read_as_ampersand_dash():
    assert encode_mailbox_name("R&D") == "R&-D"
    assert decode_mailbox_name("R&-D") == "R&D"


def test_a_malformed_folder_name_from_a_server_is_reported():
    with pytest.raises(ValueError, match="not modified UTF-7"):
        decode_mailbox_name("&2D3-")  # a lone high surrogate


# ---------------------------------------------------------------- IMAP: fetching from Dovecot


@pytest.mark.parametrize("folder", [RUSSIAN, CHINESE, ARABIC])
def test_every_message_of_a_folder_named_in_any_language_is_fetched(dovecot, certificates, folder):
    fetched = list(fetch_messages(_location(dovecot, folder), MAIL_PASSWORD, set(), certificates.client_context()))
    expected = {RUSSIAN: 5, CHINESE: 1, ARABIC: 1}[folder]
    assert len(fetched) == expected
    validity = _uidvalidity(dovecot, certificates, folder)
    assert [message.uid for message in fetched] == [f"{validity}:{uid}" for uid in range(1, expected + 1)]
    assert all(message.container == f"imaps://{MAIL_USER}@{HOST}:{dovecot.port}/{folder}" for message in fetched)
    subjects = [email.message_from_bytes(message.raw, policy=email.policy.default)["Subject"] for message in fetched]
    assert all(subject.startswith(f"Return to {folder} ") for subject in subjects)
    assert fetched[0].raw.endswith(b"is attached.\r\n")


def test_fetching_changes_no_flag(dovecot, certificates):
    before = _flags(dovecot, certificates, RUSSIAN)
    assert before[1] >= {r"\Seen"} and r"\Seen" not in before[3]
    assert len(list(fetch_messages(_location(dovecot, RUSSIAN), MAIL_PASSWORD, set(), certificates.client_context()))) == 5
    after = _flags(dovecot, certificates, RUSSIAN)
    assert after == before
    # EXAMINE, unlike SELECT, leaves \Recent to the next session that selects the folder.
    assert all(r"\Recent" in flags for flags in after.values())


def test_a_second_fetch_with_the_uids_already_seen_returns_nothing(dovecot, certificates):
    location, context = _location(dovecot, RUSSIAN), certificates.client_context()
    first = list(fetch_messages(location, MAIL_PASSWORD, set(), context))
    seen = {message.uid for message in first}
    assert list(fetch_messages(location, MAIL_PASSWORD, seen, context)) == []
    assert list(fetch_messages(location, MAIL_PASSWORD, seen.__contains__, context)) == []


def test_only_unseen_messages_are_fetched_in_batches(dovecot, certificates, monkeypatch):
    monkeypatch.setattr(imap, "FETCH_BATCH", 2)
    location, context = _location(dovecot, RUSSIAN), certificates.client_context()
    validity = _uidvalidity(dovecot, certificates, RUSSIAN)
    fetched = list(fetch_messages(location, MAIL_PASSWORD, {f"{validity}:2"}, context))
    assert [message.uid for message in fetched] == [f"{validity}:{uid}" for uid in (1, 3, 4, 5)]
    assert [b"Form number %d " % n in message.raw for n, message in zip((3, 5, 6, 7), fetched, strict=True)] == [True] * 4


def test_a_nested_folder_is_written_with_a_slash_whatever_the_servers_delimiter(dovecot, certificates):
    fetched = list(fetch_messages(parse_imap_url_for(dovecot, NESTED), MAIL_PASSWORD, set(), certificates.client_context()))
    assert len(fetched) == 1 and b"Return to " + NESTED.replace("/", ".").encode() in fetched[0].raw


def parse_imap_url_for(server, folder: str) -> ImapLocation:
    return parse_imap_url(f"imaps://{MAIL_USER}@{HOST}:{server.port}/{quote(folder)}")


def test_a_campaign_message_kept_in_a_folder_comes_back_byte_for_byte(dovecot, certificates):
    message = _campaign_message("unit-9@agency.example", 9)
    raw = message.as_bytes()
    folder = "المرسلة"
    with _admin(dovecot, certificates) as admin:
        assert admin.create('"' + encode_mailbox_name(folder) + '"')[0] == "OK"
        assert admin.append('"' + encode_mailbox_name(folder) + '"', "()", None, raw)[0] == "OK"
    (fetched,) = fetch_messages(_location(dovecot, folder), MAIL_PASSWORD, set(), certificates.client_context())
    assert fetched.raw == raw
    parsed = email.message_from_bytes(fetched.raw, policy=email.policy.default)
    assert [part.get_filename() for part in parsed.iter_attachments()] == ["استمارة-9.xlsx", "评估表.pdf"]


def test_passwords_come_from_the_environment_only():
    assert imap.imap_password({"AITK_IMAP_PASSWORD": "s3cret"}) == "s3cret"
    with pytest.raises(ImapError, match="set AITK_IMAP_PASSWORD"):
        imap.imap_password({})
    target = parse_smtp_url("smtp://jane@mail.agency.example")
    assert smtp_password(target, {"AITK_SMTP_PASSWORD": "s3cret"}) == "s3cret"
    with pytest.raises(SmtpError, match="set AITK_SMTP_PASSWORD"):
        smtp_password(target, {})
    assert smtp_password(parse_smtp_url("smtp://relay.agency.example"), {}) is None


def test_a_wrong_password_is_a_clear_error(dovecot, certificates):
    with pytest.raises(ImapError, match="refused the login.*AITK_IMAP_PASSWORD"):
        list(fetch_messages(_location(dovecot, "INBOX"), "wrong", set(), certificates.client_context()))


def test_an_unknown_folder_is_an_error_that_lists_the_folders(dovecot, certificates):
    with pytest.raises(ImapError, match="cannot open folder 'Returns'") as failure:
        list(fetch_messages(_location(dovecot, "Returns"), MAIL_PASSWORD, set(), certificates.client_context()))
    listed = str(failure.value).rpartition("the folders of this account are: ")[2].split(", ")
    assert set(listed) >= {"INBOX", RUSSIAN, CHINESE, ARABIC, NESTED}


def test_a_certificate_from_an_unknown_authority_says_to_set_ssl_cert_file(dovecot, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(ImapError, match="not trusted.*SSL_CERT_FILE"):
        list(fetch_messages(_location(dovecot, "INBOX"), MAIL_PASSWORD, set()))


def test_ssl_cert_file_makes_a_private_authority_trusted(dovecot, certificates, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    assert len(list(fetch_messages(_location(dovecot, "INBOX"), MAIL_PASSWORD, set()))) == 2


def test_no_imap_server_listening_is_a_clear_error():
    with pytest.raises(ImapError, match="cannot connect"):
        list(fetch_messages(ImapLocation(MAIL_USER, HOST, free_port()), MAIL_PASSWORD, set()))


# ---------------------------------------------------------------- building messages


def _campaign_message(to: str, number: int = 1, **options) -> email.message.EmailMessage:
    return build_message(
        sender="Координатор <coordinator@agency.example>",
        to=to,
        cc=["deputy@agency.example"],
        subject=f"استمارة التقييم — 评估表 {number}",
        body="مرحبا،\nيرجى ملء الاستمارة المرفقة.\n",
        attachments=[
            (f"استمارة-{number}.xlsx", b"PK\x03\x04 form %d" % number, XLSX),
            ("评估表.pdf", b"%PDF-1.7", "application/pdf"),
        ],
        **options,
    )


def test_a_built_message_encodes_non_ascii_headers_and_attachment_names(tmp_path):
    path = write_eml(_campaign_message("unit@agency.example", date=datetime(2026, 3, 1, 9, 30, tzinfo=UTC)), tmp_path / "d.eml")
    raw = path.read_bytes()
    assert raw.isascii()  # RFC 2047 headers, RFC 2231 names, base64 body: 7-bit all through
    assert raw.count(b"\n") == raw.count(b"\r\n")
    assert b"filename*" in raw and "استمارة".encode() not in raw
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["Subject"] == "استمارة التقييم — 评估表 1"
    assert parsed["From"].addresses[0].display_name == "Координатор"
    assert parsed["Date"] == "Sun, 01 Mar 2026 09:30:00 +0000"
    assert parsed["X-Unsent"] == "1"
    assert re.fullmatch(r"<[^@>]+@agency\.example>", parsed["Message-ID"])
    # Text travels in MIME's canonical form, lines ending in CRLF, inside the base64 too.
    assert parsed.get_body(("plain",)).get_content() == "مرحبا،\r\nيرجى ملء الاستمارة المرفقة.\r\n"
    attachments = [(part.get_filename(), part.get_content_type(), part.get_content()) for part in parsed.iter_attachments()]
    assert attachments == [("استمارة-1.xlsx", XLSX, b"PK\x03\x04 form 1"), ("评估表.pdf", "application/pdf", b"%PDF-1.7")]


def test_a_message_that_is_not_a_draft_has_no_x_unsent_and_keeps_a_given_message_id():
    message = _campaign_message("unit@agency.example", draft=False, message_id="<campaign-7@agency.example>")
    assert message["X-Unsent"] is None and message["Message-ID"] == "<campaign-7@agency.example>"


# ---------------------------------------------------------------- SMTP: URLs


def test_smtp_urls_name_scheme_user_host_and_port():
    assert parse_smtp_url("smtp://jane@mail.agency.example") == SmtpTarget("smtp", "jane", "mail.agency.example", 587)
    assert parse_smtp_url("smtps://jane%40agency.example@mail.agency.example") == SmtpTarget(
        "smtps", "jane@agency.example", "mail.agency.example", 465
    )
    assert parse_smtp_url("smtp://relay.agency.example:2525") == SmtpTarget("smtp", None, "relay.agency.example", 2525)


@pytest.mark.parametrize(
    ("url", "reason"),
    [("smtp://jane:hunter2@host", "AITK_SMTP_PASSWORD"), ("http://host", "smtp://"), ("smtp://host/x", "no path")],
)
def test_an_smtp_url_that_cannot_be_used_says_why(url, reason):
    with pytest.raises(ValueError, match=re.escape(reason)) as refused:
        parse_smtp_url(url)
    assert "hunter2" not in str(refused.value)


# ---------------------------------------------------------------- SMTP: sending to aiosmtpd


def _send(server, keys, *, scheme="smtp", password=MAIL_PASSWORD, context=None, sent=(), **options):
    records: list[SendRecord] = []
    target = SmtpTarget(scheme, MAIL_USER, HOST, server.port)
    messages = [(key, _campaign_message(f"{key}@agency.example", number)) for number, key in enumerate(keys, 1)]
    options = {"pace_seconds": 0.0, "retries": 2, "backoff": 0.05} | options
    summary = send_messages(
        target, password, messages, already_sent=set(sent).__contains__, record=records.append, ssl_context=context, **options
    )
    return summary, records


def test_messages_go_out_over_starttls_with_a_login_and_arrive_decoded(smtp, certificates):
    summary, records = _send(smtp, ["unit-1", "unit-2"], context=certificates.client_context())
    assert (summary.sent, summary.failed, summary.skipped) == (2, 0, 0)
    assert [(r.key, r.result) for r in records] == [("unit-1", "sent"), ("unit-2", "sent")]
    assert smtp.logins and all(entry.endswith(" ok") for entry in smtp.logins)
    received = smtp.handler.received
    assert [(m.tls, m.login, m.recipients) for m in received] == [
        (True, MAIL_USER, [f"unit-{n}@agency.example", "deputy@agency.example"]) for n in (1, 2)
    ]
    first = email.message_from_bytes(received[0].content, policy=email.policy.default)
    assert first["Subject"] == "استمارة التقييم — 评估表 1"
    assert first["X-Unsent"] is None  # the draft marker stays on drafts
    assert first["Message-ID"] == records[0].message_id
    assert [part.get_filename() for part in first.iter_attachments()] == ["استمارة-1.xlsx", "评估表.pdf"]
    assert datetime.fromisoformat(records[0].time).tzinfo is not None


def test_messages_go_out_over_implicit_tls(smtps, certificates):
    summary, _ = _send(smtps, ["unit-1"], scheme="smtps", context=certificates.client_context())
    assert summary.sent == 1
    assert [(m.tls, m.login) for m in smtps.handler.received] == [(True, MAIL_USER)]


def test_messages_are_paced(smtp, certificates):
    _send(smtp, ["a", "b", "c"], context=certificates.client_context(), pace_seconds=0.3)
    arrivals = [m.arrived for m in smtp.handler.received]
    assert len(arrivals) == 3
    # The server's clock sees each arrival late by however busy the machine is: the span of the three, not each
    # gap, is what pacing guarantees (two pauses of 0.3 s).
    assert arrivals[-1] - arrivals[0] >= 0.5


def test_a_permanent_refusal_is_recorded_and_the_other_messages_are_sent(smtp, certificates):
    smtp.handler.rejected.add("unit-2@agency.example")
    smtp.handler.rejected.add("deputy@agency.example")
    summary, records = _send(smtp, ["unit-1", "unit-2", "unit-3"], context=certificates.client_context())
    assert (summary.sent, summary.failed) == (2, 1)
    assert [r.result for r in records] == ["sent", "failed", "sent"]
    assert "550" in records[1].detail and "unit-2@agency.example" in records[1].detail
    assert records[0].detail.startswith("not delivered to deputy@agency.example: 550")  # a copy, so still sent
    assert smtp.handler.log.count("550 unit-2@agency.example") == 1  # a permanent refusal is not retried
    assert [m.recipients for m in smtp.handler.received] == [["unit-1@agency.example"], ["unit-3@agency.example"]]


def test_a_transient_refusal_is_retried_and_the_message_sent(smtp, certificates):
    smtp.handler.deferred_once.add("unit-1@agency.example")
    started = time.monotonic()
    summary, records = _send(smtp, ["unit-1"], context=certificates.client_context(), backoff=0.2)
    assert summary.sent == 1 and records[0].result == "sent"
    assert smtp.handler.log == ["451 unit-1@agency.example"]
    # The retry goes to the deferred recipient alone: the copy to the deputy went out the first time.
    assert [m.recipients for m in smtp.handler.received] == [["deputy@agency.example"], ["unit-1@agency.example"]]
    assert time.monotonic() - started >= 0.2  # the backoff was waited


def test_a_dropped_connection_is_opened_again_and_the_message_sent(smtp, certificates):
    smtp.handler.dropped_once.add("unit-2@agency.example")
    summary, records = _send(smtp, ["unit-1", "unit-2", "unit-3"], context=certificates.client_context())
    assert summary.sent == 3 and [r.result for r in records] == ["sent"] * 3
    assert smtp.handler.log == ["drop unit-2@agency.example"]
    assert [m.recipients[0] for m in smtp.handler.received] == [f"unit-{n}@agency.example" for n in (1, 2, 3)]


def test_a_message_still_refused_after_the_retries_is_recorded_as_failed(smtp, certificates):
    smtp.handler.deferred_once.add("unit-1@agency.example")
    summary, records = _send(smtp, ["unit-1", "unit-2"], context=certificates.client_context(), retries=0)
    assert [r.result for r in records] == ["failed", "sent"]
    assert records[0].detail.startswith("not delivered to unit-1@agency.example: gave up after 1 attempts: ")
    assert "unit-1@agency.example: 451 4.3.0" in records[0].detail


def test_a_second_run_sends_only_what_was_not_sent(smtp, certificates):
    smtp.handler.rejected.add("unit-2@agency.example")
    _, first = _send(smtp, ["unit-1", "unit-2"], context=certificates.client_context())
    assert [r.result for r in first] == ["sent", "failed"]  # unit 2's deputy has it, unit 2 does not
    smtp.handler.rejected.clear()
    sent = {r.key for r in first if r.result == "sent"}
    summary, second = _send(smtp, ["unit-1", "unit-2"], context=certificates.client_context(), sent=sent)
    assert (summary.sent, summary.skipped) == (1, 1)
    assert [r.key for r in second] == ["unit-2"]
    summary, third = _send(smtp, ["unit-1", "unit-2"], context=certificates.client_context(), sent={"unit-1", "unit-2"})
    assert (summary.sent, summary.skipped, third) == (0, 2, [])
    deputy = "deputy@agency.example"
    # The first run reached unit 2's deputy but not unit 2, so unit 2's message counts as not sent and goes again.
    assert [m.recipients for m in smtp.handler.received] == [
        ["unit-1@agency.example", deputy],
        [deputy],
        ["unit-2@agency.example", deputy],
    ]


def test_credentials_are_never_sent_to_a_server_without_tls(certificates):
    server = start_smtp(certificates, offer_tls=False)
    try:
        with pytest.raises(SmtpError, match="does not offer STARTTLS"):
            _send(server, ["unit-1"], context=certificates.client_context())
        assert server.logins == [] and server.handler.received == []
    finally:
        server.controller.stop()


def test_a_wrong_smtp_password_stops_with_a_clear_error(smtp, certificates):
    records = []
    with pytest.raises(SmtpError, match="refused the login.*AITK_SMTP_PASSWORD"):
        _, records = _send(smtp, ["unit-1"], password="wrong", context=certificates.client_context())
    assert records == [] and smtp.handler.received == []


def test_an_smtp_certificate_from_an_unknown_authority_says_to_set_ssl_cert_file(smtp, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(SmtpError, match="not trusted.*SSL_CERT_FILE"):
        _send(smtp, ["unit-1"])


def test_ssl_cert_file_makes_a_private_authority_trusted_for_smtp(smtps, certificates, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    assert _send(smtps, ["unit-1"], scheme="smtps")[0].sent == 1


def test_no_smtp_server_listening_stops_the_run_after_the_retries():
    records = []
    target = SmtpTarget("smtp", MAIL_USER, HOST, free_port())
    with pytest.raises(SmtpError, match="cannot connect.*run again"):
        send_messages(
            target,
            MAIL_PASSWORD,
            [("unit-1", _campaign_message("unit-1@agency.example"))],
            retries=1,
            backoff=0.01,
            already_sent=lambda key: False,
            record=records.append,
        )
    assert records == []


# ---------------------------------------------------------------- IMAP: importing into a store, twice

RETURNS = "Returns to import"


def test_importing_an_imap_folder_twice_into_a_store_fetches_no_message_the_second_time(
    dovecot, certificates, small_content, tmp_path, monkeypatch
):
    from click.testing import CliRunner

    from aitk_forms.cli import main
    from aitk_forms.formats import CODECS
    from aitk_forms.sample import sample_answers
    from conftest import SMALL

    form = small_content.form("risk")
    blank, filled = tmp_path / "blank.xlsx", tmp_path / "risk.xlsx"
    CODECS["xlsx"].render(small_content, form, "en", blank)
    CODECS["xlsx"].fill(small_content, form, "en", blank, filled, sample_answers(form, 4, completeness=1.0))
    returned = email.message.EmailMessage()
    returned["From"], returned["Subject"], returned["Message-ID"] = "unit41@agency.example", "Risk form", "<r41@agency.example>"
    returned.set_content("The form is attached.")
    returned.add_attachment(filled.read_bytes(), maintype="application", subtype="octet-stream", filename="risk.xlsx")
    with _admin(dovecot, certificates) as admin:
        name = '"' + encode_mailbox_name(RETURNS) + '"'
        assert admin.create(name)[0] == "OK"
        assert admin.append(name, "()", None, returned.as_bytes())[0] == "OK"
        assert admin.append(name, r"(\Seen)", None, raw_message(42, "A note without a form"))[0] == "OK"
    before = _flags(dovecot, certificates, RETURNS)
    monkeypatch.setenv("AITK_IMAP_PASSWORD", MAIL_PASSWORD)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    url = f"imaps://{MAIL_USER}@{HOST}:{dovecot.port}/{quote(RETURNS)}"
    args = ["import", url, "--content", str(SMALL), "--store", str(tmp_path / "store.db"), "--json"]

    def imported(out: str) -> tuple[dict, str]:
        logged = len(_settled_log(dovecot))  # Dovecot logs a session's end a moment after it ends
        result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / out)])
        assert result.exit_code == 0, result.output
        session = [line for line in _settled_log(dovecot)[logged:].splitlines() if "Logged out" in line]
        assert len(session) == 1, session
        return json.loads(result.stdout), session[0]

    first, first_session = imported("r1")
    folder = f"imaps://{MAIL_USER}@{HOST}:{dovecot.port}/{RETURNS}"  # as the log names it: the folder readable
    assert [(f["path"], f["status"]) for f in first["files"]] == [(f"{folder}#1/risk.xlsx", "accepted")]
    assert "body_count=2 " in first_session  # both messages fetched, by BODY.PEEK
    second, second_session = imported("r2")
    assert "body_count=0 " in second_session and "hdr_count=0 " in second_session  # nothing fetched at all
    assert [f["status"] for f in second["files"]] == ["known"] and second["summary"]["known"] == 1
    assert _flags(dovecot, certificates, RETURNS) == before


def _settled_log(server, quiet: float = 0.3) -> str:
    """Dovecot's log once nothing has been added to it for `quiet` seconds (at most 10 s)."""
    text, deadline = server.log(), time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(quiet)
        again = server.log()
        if again == text:
            break
        text = again
    return text
