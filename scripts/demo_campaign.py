"""`make demo`'s campaign: personalised forms drafted for a dozen units in six languages, most of them filled and
sent back into an mbox as a mail program keeps it (one reply forwarded, one zipped, one damaged), the mbox imported,
and who is still missing printed. Everything lives in demo-campaign/ (its own store), made afresh on each run.

Run from the repository: python scripts/demo_campaign.py
"""

from __future__ import annotations

import copy
import email
import email.policy
import io
import mailbox
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from aitk_forms.formats import CODECS
from aitk_forms.load import load_content
from aitk_forms.returns import read_response
from aitk_forms.sample import sample_answers

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo-campaign"
COORDINATOR = "AI Assessment Office <ai-assessment@police.example>"
ROUND = "2026"
# unit, name, e-mail, language, use case
RESPONDENTS = (
    ("Northern Regional Police", "Alex Morgan", "a.morgan@north.police.example", "en", "Licence plate recognition"),
    ("Capital City Police Service", "Sam Taylor", "s.taylor@capital.police.example", "en", "Transcription of interviews"),
    ("Coastal Police District", "Chris Evans", "c.evans@coast.police.example", "en", "Translation of seized messages"),
    ("Police nationale - Lyon", "Camille Martin", "c.martin@lyon.police.example", "fr", "Reconnaissance faciale"),
    ("Gendarmerie - Rennes", "Julien Petit", "j.petit@rennes.police.example", "fr", "Analyse de vidéos"),
    ("Police cantonale - Genève", "Léa Dubois", "l.dubois@ge.police.example", "fr", "Détection de fraude"),
    ("Policía Nacional - Sevilla", "Lucía García", "l.garcia@sevilla.police.example", "es", "Predicción de robos"),
    ("Policía de Investigaciones", "Mateo López", "m.lopez@pdi.police.example", "es", "Análisis de redes sociales"),
    ("شرطة دبي - الأدلة الجنائية", "ليلى حداد", "l.haddad@dubai.police.example", "ar", "التعرف على الوجوه"),
    ("الشرطة الوطنية - عمّان", "عمر خليل", "o.khalil@amman.police.example", "ar", "تحليل البلاغات"),
    ("Полиция Казани", "Анна Иванова", "a.ivanova@kazan.police.example", "ru", "Распознавание номеров"),
    ("上海市公安局", "王芳", "wang.fang@shanghai.police.example", "zh", "人脸识别"),
)
SILENT = {"Coastal Police District", "Policía de Investigaciones"}  # never answer: still missing at the end
FORWARDED, ZIPPED, DAMAGED = "Capital City Police Service", "Police nationale - Lyon", "Полиция Казани"


def aitk(*args: str) -> None:
    """Run one aitk-forms command as a coordinator would, showing it first."""
    print("\n$ aitk-forms " + " ".join(shlex.quote(arg) for arg in args), flush=True)
    finished = subprocess.run([sys.executable, "-m", "aitk_forms", *args], cwd=ROOT)
    if finished.returncode not in (0, 1):  # 1: the work found problems (a rejected file), which the demo shows
        raise SystemExit(finished.returncode)


def write_respondents(path: Path) -> None:
    lines = ["unit,name,email,lang,use_case"]
    lines += [",".join(f'"{value}"' for value in row) for row in RESPONDENTS]
    # Excel's "CSV UTF-8": a byte-order mark, CRLF line ends.
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))


def filled_reply(draft: EmailMessage, content, work: Path, seed: int) -> EmailMessage:
    """The respondent's reply: each personalised form filled in (sample answers), sent back to the coordinator."""
    reply = EmailMessage(policy=email.policy.SMTP)
    person = draft["To"]
    reply["From"], reply["To"] = person, draft["From"]
    reply["Subject"] = f"Re: {draft['Subject']}"
    reply["In-Reply-To"] = reply["References"] = draft["Message-ID"]
    reply["Message-ID"] = make_msgid(domain=parseaddr(str(person))[1].rpartition("@")[2])
    reply["Date"] = format_datetime(datetime.now(UTC) + timedelta(days=seed % 9 + 1))
    reply.set_content("Please find the completed forms attached.\n")
    for number, part in enumerate(draft.iter_attachments()):
        name = part.get_filename()
        blank = work / f"{seed}-{number}-blank{Path(name).suffix}"
        blank.write_bytes(part.get_content())
        response = read_response(blank, content)
        answers = sample_answers(response.form, seed) | response.answers  # the pre-filled unit answers stay
        filled = work / f"{seed}-{number}-filled{Path(name).suffix}"
        CODECS[response.format].fill(content, response.form, response.identity.lang, blank, filled, answers)
        maintype, subtype = part.get_content_type().split("/")
        reply.add_attachment(filled.read_bytes(), maintype=maintype, subtype=subtype, filename=name)
    return reply


def forwarded(reply: EmailMessage) -> EmailMessage:
    """A colleague forwards the reply as an attachment (message/rfc822)."""
    wrapper = EmailMessage(policy=email.policy.SMTP)
    wrapper["From"], wrapper["To"] = "Deputy <deputy@capital.police.example>", reply["To"]
    wrapper["Subject"] = f"Fwd: {reply['Subject']}"
    wrapper["Message-ID"] = make_msgid(domain="capital.police.example")
    wrapper["Date"] = reply["Date"]
    wrapper.set_content("Forwarding the forms from our unit.\n")
    wrapper.add_attachment(reply)
    return wrapper


def zipped(reply: EmailMessage) -> EmailMessage:
    """The forms sent back inside one .zip attachment."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in reply.iter_attachments():
            archive.writestr(part.get_filename(), part.get_content())
    result = copy.deepcopy(reply)
    result.clear_content()
    result.set_content("The forms are in the zip file.\n")
    result.add_attachment(packed.getvalue(), maintype="application", subtype="zip", filename="forms.zip")
    return result


def damaged(reply: EmailMessage) -> EmailMessage:
    """A form cut short on the way (a mail gateway's size limit): it cannot be read and is rejected."""
    result = copy.deepcopy(reply)
    parts = list(result.iter_attachments())
    first = parts[0]
    data = first.get_content()
    first.set_content(data[: len(data) // 3], maintype="application", subtype="octet-stream", filename=first.get_filename())
    return result


def write_mailbox(content, outbox: Path, path: Path) -> int:
    """The coordinator's inbox: a reply from each respondent who answered, in mbox form."""
    box = mailbox.mbox(str(path), create=True)
    count = 0
    with tempfile.TemporaryDirectory(prefix="aitk-demo-") as work:
        for seed, eml in enumerate(sorted(outbox.glob("*.eml"))):
            draft = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            unit = next(row[0] for row in RESPONDENTS if parseaddr(str(draft["To"]))[1] == row[2])
            if unit in SILENT:
                continue
            reply = filled_reply(draft, content, Path(work), seed)
            reply = forwarded(reply) if unit == FORWARDED else zipped(reply) if unit == ZIPPED else reply
            reply = damaged(reply) if unit == DAMAGED else reply
            box.add(mailbox.mboxMessage(reply.as_bytes(policy=email.policy.SMTP.clone(linesep="\n"))))
            count += 1
    box.flush()
    box.close()
    return count


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    store, outbox, report = DEMO / "campaign.db", DEMO / "outbox", DEMO / "report"
    write_respondents(DEMO / "respondents.csv")
    relative = [str(p.relative_to(ROOT)) for p in (DEMO / "respondents.csv", store, outbox, report, DEMO / "inbox.mbox")]
    respondents, store_arg, outbox_arg, report_arg, inbox_arg = relative
    aitk("campaign", "send", "--respondents", respondents, "--form", "readiness,risk", "--round", ROUND,
         "--deadline", "2026-06-30", "--from", COORDINATOR, "--store", store_arg, "--out", outbox_arg)  # fmt: skip
    replies = write_mailbox(load_content(ROOT / "content"), outbox, DEMO / "inbox.mbox")
    print(f"\n{replies} replies put into {inbox_arg} (one forwarded, one zipped, one with a damaged form)")
    aitk("import", inbox_arg, "--store", store_arg, "--out", report_arg)
    aitk("campaign", "status", "--store", store_arg, "--out", report_arg, "--remind")
    print(f"\nDrafts in {outbox_arg}, replies in {inbox_arg}, status.csv, reminders and reports in {report_arg}")


if __name__ == "__main__":
    main()
