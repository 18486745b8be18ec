"""A rejected return whose identity could still be read is kept in the store with its form, round and unit, and
`campaign status` sets it beside the form that was sent by that identity, whatever it was named or whoever sent it."""

from __future__ import annotations

import csv
import io
import mailbox
import re
import sqlite3
import zipfile
from pathlib import Path

from aitk_forms.campaign.status import match_rejected
from aitk_forms.store import open_store
from aitk_forms.store.campaigns import CampaignForm, ReturnSeen
from campaign_setup import ROUND, drafts, filled_copy, reply, run, save_attachments, send
from conftest import SMALL


def without_answer_cell(xlsx: Path, question: str) -> bytes:
    """The workbook with the defined name of one answer cell removed: the reader cannot find that answer, an error."""
    out = io.BytesIO()
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/workbook.xml":
                pattern = rf'<definedName name="ans_{question}"[^>]*>[^<]*</definedName>'.encode()
                data, count = re.subn(pattern, b"", data)
                assert count == 1
            target.writestr(entry, data)
    return out.getvalue()


def test_a_rejected_return_renamed_and_sent_by_someone_else_is_matched_by_its_identity(tmp_path):
    store = str(tmp_path / "store.db")
    assert send(tmp_path, store).exit_code == 0
    wang = save_attachments(drafts(tmp_path / "outbox")["wang@agency.example"], tmp_path / "wang")
    readiness = next(path for path in wang if "人脸识别" not in path.name)
    broken = without_answer_cell(filled_copy(readiness, tmp_path / "filled.xlsx", 3), "strategy")
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    message = reply("IT desk <helpdesk@else.example>", "forms@agency.example", [("scan.xlsx", broken)])
    box.add(mailbox.mboxMessage(message.as_bytes()))
    box.close()
    imported = run("import", tmp_path / "inbox.mbox", "--content", SMALL, "--store", store, "--out", tmp_path / "report")
    assert imported.exit_code == 1 and "1 rejected" in imported.output
    with open_store(store) as opened:
        (seen,) = opened.campaigns.rejected("2000-01-01")
    assert (seen.form, seen.round, seen.unit_key) == ("readiness", ROUND, opened_key("网络犯罪科", store))
    result = run("campaign", "status", "--content", SMALL, "--store", store, "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    with open(tmp_path / "report" / "status.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {(row["form"], row["unit"]): row for row in csv.DictReader(handle)}
    wang_readiness = rows[("readiness", "网络犯罪科")]
    assert wang_readiness["returned"] == "rejected" and wang_readiness["file"] == "inbox.mbox#1/scan.xlsx"
    assert "missing from the file" in wang_readiness["detail"] and "helpdesk@else.example" in wang_readiness["detail"]
    assert [key for key, row in rows.items() if row["returned"] != "missing"] == [("readiness", "网络犯罪科")]
    with open_store(store) as opened:
        opened.forget_unit("网络犯罪科")  # the unit's name goes from the rejected file too
    with sqlite3.connect(store) as database:
        assert database.execute("SELECT path, form, round, unit FROM files").fetchall() == [("", None, None, None)]


def opened_key(unit: str, store: str) -> str:
    with open_store(store) as opened:
        return opened.campaigns.resolve_unit(unit)


def test_a_rejected_file_with_an_identity_is_matched_by_it_and_never_by_its_name_or_sender():
    forms = [
        CampaignForm("readiness", "Cyber Unit", "jane", {}, ("Readiness - Cyber Unit.xlsx",)),
        CampaignForm("risk", "Cyber Unit", "jane", {}, ("Risk - Cyber Unit.xlsx",)),
    ]
    identities = {(form.form, form.unit.casefold()): form for form in forms}

    def rejected(path: str, form: str, unit: str, round_label: str | None) -> ReturnSeen:
        seen = ("0" * 64, path, "2026-03-02T10:00:00Z", "rejected", "a cell is missing", ())
        return ReturnSeen(*seen, None, form, unit, round_label)

    found = match_rejected(
        [
            rejected("a/Readiness - Cyber Unit.xlsx", "risk", "cyber unit", ROUND),  # named as the other form
            rejected("b/Risk - Cyber Unit.xlsx", "readiness", "cyber unit", "2025"),  # last year's: not this round's
        ],
        forms,
        {},
        identities,
        ROUND,
    )
    assert {key: seen.path for key, seen in found.items()} == {("risk", "Cyber Unit"): "a/Readiness - Cyber Unit.xlsx"}
