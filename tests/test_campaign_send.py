"""`campaign send` without a mail server: one .eml draft per respondent, in their language, with their
personalised forms (round and unit in the identity, unit questions filled in, the return address shown)."""

from __future__ import annotations

import re

import pytest
from docx import Document
from openpyxl import load_workbook

from aitk_forms.campaign.respondents import respondent_key
from aitk_forms.campaign.status import match_rejected
from aitk_forms.load import load_content
from aitk_forms.returns import read_response
from aitk_forms.store import open_store
from aitk_forms.store.campaigns import CampaignForm, CampaignRespondent, ReturnSeen
from campaign_setup import ROUND, SENDER, drafts, read_eml, run, save_attachments, send, write_respondents
from conftest import SMALL, postgresql_spec


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """One campaign drafted (readiness and risk, as .xlsx) for the three-language respondents, shared by the
    tests that only read it."""
    folder = tmp_path_factory.mktemp("campaign")
    result = send(folder, str(folder / "store.db"))
    assert result.exit_code == 0, result.output
    return folder, result


def test_each_respondent_gets_one_draft_marked_unsent_in_their_language(campaign):
    folder, result = campaign
    paths = sorted((folder / "outbox").glob("*.eml"))
    assert [p.name for p in paths] == [
        "0002 Cyber Unit - Face matching.eml", "0003 Cyber Unit - Licence plates.eml",
        "0004 وحدة الجرائم الإلكترونية - التعرف على الوجوه.eml", "0005 网络犯罪科 - 人脸识别.eml",
    ]  # fmt: skip
    jane, second, layla, wang = (read_eml(p) for p in paths)
    assert all(m["X-Unsent"] == "1" and m["From"] == SENDER for m in (jane, second, layla, wang))
    assert (str(jane["To"]), str(jane["Cc"])) == ("Jane Doe <jane@agency.example>", "deputy@agency.example")
    assert layla["Subject"] == "استمارات التقييم الخاصة بـ وحدة الجرائم الإلكترونية (الجولة 2026)"
    assert wang["Subject"] == "网络犯罪科 评估表（轮次：2026）"
    raw = paths[2].read_bytes()
    assert raw.isascii() and b"Subject: =?utf-8?" in raw  # RFC 2047 on the wire
    assert b"filename*0*=utf-8''%D8%A7%D9%84" in raw  # RFC 2231 attachment names, continued over lines
    assert [a.get_filename() for a in layla.iter_attachments()] == [
        "الجاهزية (بيانات اختبار) - وحدة الجرائم الإلكترونية.xlsx", "المخاطر (بيانات اختبار) - التعرف على الوجوه.xlsx",
    ]  # fmt: skip
    assert [a.get_filename() for a in wang.iter_attachments()] == [
        "准备情况（测试数据） - 网络犯罪科.xlsx",
        "风险（测试数据） - 人脸识别.xlsx",
    ]
    body = wang.get_body().get_content()
    assert "王芳，您好：" in body and "2026年3月31日" in body and "forms@agency.example" in body
    assert "Dear Jane Doe," in jane.get_body().get_content() and "March 31, 2026" in jane.get_body().get_content()


def test_a_unit_form_goes_with_the_first_row_of_its_unit_and_a_use_case_form_with_every_row(campaign):
    folder, result = campaign
    second = read_eml(folder / "outbox" / "0003 Cyber Unit - Licence plates.eml")
    assert [a.get_filename() for a in second.iter_attachments()] == ["Risk (fixture) - Licence plates.xlsx"]
    assert "row 3: the readiness form of 'Cyber Unit' goes with row 2's message" in result.output


def test_the_attached_forms_carry_round_and_unit_and_their_unit_questions_filled_in(campaign, tmp_path):
    folder, _ = campaign
    content = load_content(SMALL)
    found = {}
    for message in drafts(folder / "outbox").values():
        for path in save_attachments(message, tmp_path / message["To"].addresses[0].username):
            response = read_response(path, content)
            found[(response.form.id, response.identity.lang)] = (
                response.identity.round,
                response.identity.unit,
                response.answers,
            )
    assert found == {
        ("readiness", "en"): (ROUND, "Cyber Unit", {"agency_name": "Cyber Unit"}),
        ("risk", "en"): (ROUND, "Face matching", {"use_case_name": "Face matching"}),
        ("readiness", "ar"): (ROUND, "وحدة الجرائم الإلكترونية", {"agency_name": "وحدة الجرائم الإلكترونية"}),
        ("risk", "ar"): (ROUND, "التعرف على الوجوه", {"use_case_name": "التعرف على الوجوه"}),
        ("readiness", "zh"): (ROUND, "网络犯罪科", {"agency_name": "网络犯罪科"}),
        ("risk", "zh"): (ROUND, "人脸识别", {"use_case_name": "人脸识别"}),
    }


def test_the_forms_in_every_format_say_where_and_by_when_to_send_them_back(tmp_path):
    write_respondents(tmp_path, [["Border Unit", "Omar", "omar@agency.example", "fr", "", ""]])
    result = send(tmp_path, str(tmp_path / "store.db"), "--format", "xlsx,docx", forms="readiness")
    assert result.exit_code == 0, result.output
    xlsx, docx = save_attachments(read_eml(next((tmp_path / "outbox").glob("*.eml"))), tmp_path / "forms")
    wanted = "Envoyez-le à forms@agency.example au plus tard le 31 mars 2026."
    cells = [str(c.value) for sheet in load_workbook(xlsx).worksheets for row in sheet.iter_rows() for c in row if c.value]
    assert any(wanted in text for text in cells)
    assert any(wanted in paragraph.text for paragraph in Document(str(docx)).paragraphs)


def test_a_dry_run_lists_each_message_and_writes_nothing(tmp_path):
    result = send(tmp_path, str(tmp_path / "store.db"), "--dry-run")
    assert result.exit_code == 0, result.output
    planned = [line for line in result.output.splitlines() if line.startswith("draft: ")]
    assert len(planned) == 4
    assert (
        "to wang@agency.example; subject: 网络犯罪科 评估表（轮次：2026）; attachments: 准备情况（测试数据） - 网络犯罪科.xlsx"
        in planned[3]
    )
    assert not (tmp_path / "outbox").exists() and not (tmp_path / "store.db").exists()


def test_only_drafts_again_for_the_units_named(tmp_path):
    store = str(tmp_path / "store.db")
    assert send(tmp_path, store).exit_code == 0
    for path in (tmp_path / "outbox").glob("*.eml"):
        path.unlink()
    result = send(tmp_path, store, "--only", "网络犯罪科", "--only", "cyber unit")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "outbox").glob("*.eml")) == [
        "0002 Cyber Unit - Face matching.eml", "0003 Cyber Unit - Licence plates.eml", "0005 网络犯罪科 - 人脸识别.eml",
    ]  # fmt: skip
    refused = send(tmp_path, store, "--only", "Unknown Unit")
    assert refused.exit_code == 2 and "--only: no respondent for 'Unknown Unit'" in refused.output


def test_a_format_that_does_not_come_back_and_a_bad_sender_are_refused(tmp_path):
    pack = send(tmp_path, str(tmp_path / "store.db"), "--format", "pack")
    assert pack.exit_code == 2 and "format 'pack' cannot be sent in a campaign" in pack.output
    write_respondents(tmp_path)
    no_sender = run("campaign", "send", "--content", SMALL, "--respondents", tmp_path / "respondents.csv", "--form", "risk",
                    "--round", ROUND, "--store", tmp_path / "store.db", "--out", tmp_path / "outbox")  # fmt: skip
    assert no_sender.exit_code == 2 and "give --from ADDRESS" in no_sender.output
    assert not (tmp_path / "outbox").exists()


@pytest.fixture(params=["sqlite", "postgresql"])
def spec(request, monkeypatch, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return postgresql_spec(request, monkeypatch, tmp_path)


def test_the_store_records_each_respondent_form_and_draft_and_status_says_drafted_and_missing(spec, tmp_path):
    assert send(tmp_path, spec).exit_code == 0
    with open_store(spec) as store:
        ledger = store.campaigns
        assert ledger.rounds() == [ROUND]
        assert [(r.unit, r.use_case, r.email, r.lang) for r in ledger.respondents(ROUND)] == [
            ("Cyber Unit", "Face matching", "jane@agency.example", "en"),
            ("Cyber Unit", "Licence plates", "jane@agency.example", "en"),
            ("وحدة الجرائم الإلكترونية", "التعرف على الوجوه", "layla@agency.example", "ar"),
            ("网络犯罪科", "人脸识别", "wang@agency.example", "zh"),
        ]
        assert len(ledger.forms(ROUND)) == 7 and [m.kind for m in ledger.messages(ROUND)] == ["invitation"] * 4
        assert ledger.attempts(ROUND) == []
    result = run("campaign", "status", "--content", SMALL, "--store", spec, "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    assert "7 forms (0 sent, 7 drafted or failed): 0 returned (0 with warnings), 0 rejected, 7 missing" in result.output
    lines = (tmp_path / "report" / "status.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "round,form,unit,respondent,email,lang,sent,sent_at,returned,returned_at,file,detail,reminded_at"
    assert len(lines) == 8 and all(re.search(r",drafted,\d{4}-\d\d-\d\dT[^,]+,missing,", line) for line in lines[1:])
    with open_store(spec) as store:
        store.forget_unit("网络犯罪科")  # retention rules: the unit's respondents and forms go with its responses
        ledger = store.campaigns
        assert "网络犯罪科" not in [r.unit for r in ledger.respondents(ROUND)]
        assert "人脸识别" not in [f.unit for f in ledger.forms(ROUND)] and len(ledger.forms(ROUND)) == 5
        assert len(ledger.messages(ROUND)) == 3


def test_a_rejected_file_under_another_name_is_matched_by_its_sender_when_they_await_one_form_only():
    wang = CampaignRespondent(respondent_key("网络犯罪科", ""), "网络犯罪科", "", "王芳", "wang@agency.example", (), "zh", (),
                              SENDER, None, ("xlsx",))  # fmt: skip
    jane = CampaignRespondent(respondent_key("Cyber Unit", ""), "Cyber Unit", "", "Jane", "jane@agency.example",
                              ("deputy@agency.example",), "en", (), SENDER, None, ("xlsx",))  # fmt: skip
    forms = [
        CampaignForm("readiness", "网络犯罪科", wang.key, {}, ("准备情况 - 网络犯罪科.xlsx",)),
        CampaignForm("readiness", "Cyber Unit", jane.key, {}, ("Readiness - Cyber Unit.xlsx",)),
        CampaignForm("risk", "Cyber Unit", jane.key, {}, ("Risk - Cyber Unit.xlsx",)),
    ]

    def rejected(path: str, sender: str) -> ReturnSeen:
        return ReturnSeen("0" * 64, path, "2026-03-02T10:00:00Z", "rejected", "damaged", (), {"from": sender})

    found = match_rejected(
        [
            rejected("inbox.mbox#1/renamed.xlsx", "王芳 <WANG@agency.example>"),  # the only form he awaits
            rejected("inbox.mbox#2/mine.xlsx", "Deputy <deputy@agency.example>"),  # Jane awaits two: which one?
            rejected("inbox.mbox#3/zip.zip/Risk - Cyber Unit.xlsx", "someone@else.example"),  # the name it was sent under
        ],
        forms,
        {wang.key: wang, jane.key: jane},
    )
    assert {key: seen.path for key, seen in found.items()} == {
        ("readiness", "网络犯罪科"): "inbox.mbox#1/renamed.xlsx",
        ("risk", "Cyber Unit"): "inbox.mbox#3/zip.zip/Risk - Cyber Unit.xlsx",
    }
