"""Campaigns with real mail: invitations sent to a real SMTP server (aiosmtpd, STARTTLS, a login), each send
recorded in a real store; returns imported from an mbox; who is still missing; reminders sent."""

from __future__ import annotations

import csv
import email
import email.policy
import mailbox
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aitk_forms.store import open_store
from campaign_setup import ROUND, drafts, filled_copy, read_eml, reply, run, save_attachments, send
from conftest import SMALL, postgresql_spec
from mail_servers import HOST, MAIL_PASSWORD, MAIL_USER, Certificates, start_smtp


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return Certificates.make(tmp_path_factory.mktemp("certificates"))


@pytest.fixture
def smtp(certificates, monkeypatch):
    """A STARTTLS server with a login, trusted through SSL_CERT_FILE as a private authority would be."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    monkeypatch.setenv("AITK_SMTP_PASSWORD", MAIL_PASSWORD)
    server = start_smtp(certificates)
    yield server
    server.controller.stop()


def smtp_url(server) -> str:
    return f"smtp://{MAIL_USER}@{HOST}:{server.port}"


@pytest.fixture(params=["sqlite", "postgresql"])
def spec(request, monkeypatch, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return postgresql_spec(request, monkeypatch, tmp_path)


def received(server) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(m.content, policy=email.policy.default) for m in server.handler.received]


def test_invitations_go_out_each_send_recorded_and_a_refused_address_stops_no_other(smtp, spec, tmp_path):
    smtp.handler.rejected.add("layla@agency.example")
    result = send(tmp_path, spec, "--smtp", smtp_url(smtp))
    assert result.exit_code == 1, result.output
    assert "SMTP 127.0.0.1" in result.output and "3 sent, 1 failed" in result.output
    assert "not sent: invitation" in result.output and "550 5.1.1" in result.output
    arrived = received(smtp)
    assert [m["To"].addresses[0].addr_spec for m in arrived] == [
        "jane@agency.example",
        "jane@agency.example",
        "wang@agency.example",
    ]
    assert all(m["X-Unsent"] is None for m in arrived)  # the draft marker stays on the drafts
    assert [m.tls and m.login == MAIL_USER for m in smtp.handler.received] == [True] * 3
    with open_store(spec) as store:
        attempts = store.campaigns.attempts(ROUND)
    assert [a.result for a in attempts] == ["sent", "sent", "failed", "sent"]
    assert [a.message_id for a in attempts[:2]] == [str(m["Message-ID"]) for m in arrived[:2]]
    assert "layla@agency.example" in attempts[2].detail

    smtp.handler.rejected.clear()
    again = send(tmp_path, spec, "--smtp", smtp_url(smtp))
    assert again.exit_code == 0, again.output
    assert [m["To"].addresses[0].addr_spec for m in received(smtp)[3:]] == ["layla@agency.example"]  # only what was not sent
    status = run("campaign", "status", "--content", SMALL, "--store", spec, "--out", tmp_path / "report")
    assert "7 forms (7 sent, 0 drafted or failed)" in status.output


def test_only_sends_again_to_a_unit_already_sent_to(smtp, tmp_path):
    store = str(tmp_path / "store.db")
    assert send(tmp_path, store, "--smtp", smtp_url(smtp)).exit_code == 0
    again = send(tmp_path, store, "--smtp", smtp_url(smtp), "--only", "网络犯罪科")
    assert again.exit_code == 0, again.output
    assert [m["To"].addresses[0].addr_spec for m in received(smtp)] == [
        "jane@agency.example", "jane@agency.example", "layla@agency.example", "wang@agency.example", "wang@agency.example",
    ]  # fmt: skip


def returns_mailbox(outbox: Path, work: Path) -> Path:
    """The coordinator's inbox after some replies: Jane's two forms complete and sent by her deputy, Wang's readiness
    form without its required answers and his risk form cut short in transfer; Layla has not answered."""
    sent = drafts(outbox)
    jane = save_attachments(sent["jane@agency.example"], work / "jane")
    wang = save_attachments(sent["wang@agency.example"], work / "wang")
    complete = [filled_copy(path, work / f"done-{path.name}", seed) for seed, path in enumerate(jane)]
    partial = filled_copy(wang[0], work / "partial.xlsx", 7, drop=("strategy", "owner"))
    damaged = wang[1].read_bytes()[:2000]
    box = mailbox.mbox(str(work / "inbox.mbox"))
    jane_reply = reply("Deputy <deputy@agency.example>", "forms@agency.example", [(p.name[5:], p.read_bytes()) for p in complete])
    wang_reply = reply(
        "王芳 <wang@agency.example>", "forms@agency.example", [(wang[0].name, partial.read_bytes()), (wang[1].name, damaged)]
    )
    for message in (jane_reply, wang_reply):
        box.add(mailbox.mboxMessage(message.as_bytes(policy=email.policy.SMTP.clone(linesep="\n"))))
    box.close()
    return work / "inbox.mbox"


def test_status_after_importing_the_returns_says_who_returned_who_is_rejected_and_who_is_missing(tmp_path):
    store = str(tmp_path / "store.db")
    assert send(tmp_path, store).exit_code == 0
    inbox = returns_mailbox(tmp_path / "outbox", tmp_path / "work")
    imported = run("import", inbox, "--content", SMALL, "--store", store, "--out", tmp_path / "report")
    assert imported.exit_code == 1  # one file was rejected
    result = run("campaign", "status", "--content", SMALL, "--store", store, "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "report" / "status.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {(row["form"], row["unit"]): row for row in csv.DictReader(handle)}
    assert {key: row["returned"] for key, row in rows.items()} == {
        ("readiness", "Cyber Unit"): "returned",
        ("risk", "Face matching"): "returned",
        ("risk", "Licence plates"): "missing",
        ("readiness", "وحدة الجرائم الإلكترونية"): "missing",
        ("risk", "التعرف على الوجوه"): "missing",
        ("readiness", "网络犯罪科"): "returned_with_warnings",
        ("risk", "人脸识别"): "rejected",
    }
    jane = rows[("readiness", "Cyber Unit")]
    assert jane["returned_at"] == "2026-03-02T10:00:00+01:00" and jane["file"].startswith("inbox.mbox#1/")
    assert "sent back by deputy@agency.example, not by the respondent's address" not in jane["detail"]  # a cc'd deputy
    assert "strategy: required question not answered" in rows[("readiness", "网络犯罪科")]["detail"]
    assert "damaged" in rows[("risk", "人脸识别")]["detail"]
    awaited = [line.split()[0] for line in result.output.splitlines() if line.startswith(("missing", "rejected"))]
    assert sorted(awaited) == ["missing", "missing", "missing", "rejected"]
    assert "7 forms (0 sent, 7 drafted or failed): 3 returned (1 with warnings), 1 rejected, 3 missing" in result.output
    sheet = load_workbook(tmp_path / "report" / "consolidated.xlsx")["Status"]
    assert sorted(row[8] for row in sheet.iter_rows(min_row=2, values_only=True)) == sorted(r["returned"] for r in rows.values())


def test_reminders_in_the_respondents_language_name_the_rejection_and_are_sent_once_a_day(smtp, tmp_path):
    store = str(tmp_path / "store.db")
    assert send(tmp_path, store).exit_code == 0
    inbox = returns_mailbox(tmp_path / "outbox", tmp_path / "work")
    run("import", inbox, "--content", SMALL, "--store", store, "--out", tmp_path / "report")
    args = ("campaign", "status", "--content", SMALL, "--store", store, "--out", tmp_path / "report", "--remind")
    result = run(*args, "--smtp", smtp_url(smtp))
    assert result.exit_code == 0, result.output
    reminders = {read_eml(p)["To"].addresses[0].addr_spec: read_eml(p) for p in (tmp_path / "report" / "reminders").glob("*.eml")}
    assert sorted(reminders) == ["jane@agency.example", "layla@agency.example", "wang@agency.example"]
    wang = reminders["wang@agency.example"]
    assert wang["Subject"] == "提醒：网络犯罪科 评估表（轮次：2026）" and wang["X-Unsent"] == "1"
    body = wang.get_body().get_content()
    assert "我们收到的文件无法读取（the file is damaged" in body and "准备情况" not in body  # only the rejected form
    assert [a.get_filename() for a in wang.iter_attachments()] == ["风险（测试数据） - 人脸识别.xlsx"]
    assert [a.get_filename() for a in reminders["jane@agency.example"].iter_attachments()] == [
        "Risk (fixture) - Licence plates.xlsx"
    ]
    assert sorted(m["To"].addresses[0].addr_spec for m in received(smtp)) == sorted(reminders)
    with open(tmp_path / "report" / "status.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(row["reminded_at"] for row in rows if row["returned"] in ("missing", "rejected"))
    again = run(*args, "--smtp", smtp_url(smtp))
    assert again.exit_code == 0 and "0 reminders written" in again.output
    assert len(smtp.handler.received) == 3  # the same day: nothing sent twice
