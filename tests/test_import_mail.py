"""Returns read straight from mail: the forms in an mbox (one forwarded, one zipped) imported with the message
each came from; signature pictures and auto-replies listed as ignored, never an error; nothing read twice."""

from __future__ import annotations

import json
from email.message import EmailMessage

from click.testing import CliRunner

from aitk_forms.cli import main
from aitk_forms.formats import CODECS
from aitk_forms.sample import sample_answers
from conftest import SMALL
from mail_corpus import mail, mbox, zipped

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def filled_forms(small_content, folder) -> dict[str, bytes]:
    made = {}
    for fmt, form_id, seed in (("xlsx", "risk", 1), ("docx", "readiness", 2), ("xlsx", "workbook", 3)):
        form = small_content.form(form_id)
        blank, target = folder / f"blank.{fmt}", folder / f"{form_id}.{fmt}"
        CODECS[fmt].render(small_content, form, "en", blank)
        CODECS[fmt].fill(small_content, form, "en", blank, target, sample_answers(form, seed, completeness=1.0))
        made[form_id] = target.read_bytes()
    return made


def forwarded(inner: EmailMessage) -> EmailMessage:
    outer = mail(subject="Fwd: Returned form", message_id="<fwd@agency.example>", sender="Deputy <deputy@agency.example>")
    outer.add_attachment(inner)
    return outer


def test_forms_in_an_mbox_are_imported_with_their_message_and_the_rest_is_ignored(small_content, tmp_path):
    forms = filled_forms(small_content, tmp_path)
    risk = mail([("risk-unit7.xlsx", forms["risk"], XLSX), ("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")])
    readiness = forwarded(mail([("readiness.docx", forms["readiness"], DOCX)], message_id="<r@agency.example>"))
    archive = mail(
        [("returns.zip", zipped({"workbook.xlsx": forms["workbook"]}), "application/zip")], message_id="<z@agency.example>"
    )
    away = mail(
        subject="Automatic reply: Returned form", message_id="<ooo@agency.example>", headers={"Auto-Submitted": "auto-replied"}
    )
    box = tmp_path / "inbox.mbox"
    box.write_bytes(mbox([m.as_bytes() for m in (risk, readiness, archive, away)]))
    before = box.read_bytes()
    result = CliRunner().invoke(main, ["import", str(box), "--content", str(SMALL), "--out", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0, result.output
    files = {f["path"]: f for f in json.loads(result.stdout)["files"]}
    accepted = {p: f for p, f in files.items() if f["status"] in ("accepted", "accepted_with_warnings")}
    assert sorted(f["form"] for f in accepted.values()) == ["readiness", "risk", "workbook"]
    risk_file = next(f for f in accepted.values() if f["form"] == "risk")
    assert risk_file["path"] == "inbox.mbox#1/risk-unit7.xlsx"
    assert risk_file["source"]["message_id"] == "<m1@agency.example>" and risk_file["source"]["container"] == "inbox.mbox"
    assert any(p.startswith("inbox.mbox#3/returns.zip/") for p in accepted)
    ignored = [f for f in files.values() if f["status"] == "ignored"]
    assert any("logo.png" in f["path"] for f in ignored) and any(f["path"].startswith("inbox.mbox#4") for f in ignored)
    assert box.read_bytes() == before  # the mailbox is never changed


def test_an_mbox_imported_twice_into_a_store_reads_no_form_again(small_content, tmp_path):
    forms = filled_forms(small_content, tmp_path)
    box = tmp_path / "inbox.mbox"
    box.write_bytes(mbox([mail([("risk.xlsx", forms["risk"], XLSX)]).as_bytes()]))
    args = ["import", str(box), "--content", str(SMALL), "--store", str(tmp_path / "s.db"), "--json"]
    first = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "r1")])
    second = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "r2")])
    assert first.exit_code == second.exit_code == 0
    assert json.loads(second.stdout)["summary"]["known"] == 1
