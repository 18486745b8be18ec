"""What the campaign tests share: a respondents file in three languages, the commands run as a coordinator runs
them, the drafts read back with the email package, and returns filled in from the forms that were sent."""

from __future__ import annotations

import email
import email.policy
import hashlib
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner, Result

from aitk_forms.cli import main
from aitk_forms.formats import CODECS
from aitk_forms.load import load_content
from aitk_forms.returns import read_response
from aitk_forms.sample import sample_answers
from conftest import SMALL

SENDER = "Coordinator <forms@agency.example>"
ROUND = "2026"
HEADER = ["unit", "name", "email", "lang", "cc", "use_case"]
# Cyber Unit has two AI use cases: one readiness form for the unit, one risk form per use case.
ROWS = [
    ["Cyber Unit", "Jane Doe", "jane@agency.example", "en", "deputy@agency.example", "Face matching"],
    ["Cyber Unit", "Jane Doe", "jane@agency.example", "en", "", "Licence plates"],
    ["وحدة الجرائم الإلكترونية", "ليلى حداد", "layla@agency.example", "ar", "", "التعرف على الوجوه"],
    ["网络犯罪科", "王芳", "wang@agency.example", "zh", "", "人脸识别"],
]


def write_respondents(folder: Path, rows: list[list[str]] = ROWS) -> Path:
    path = folder / "respondents.csv"
    path.write_text("\n".join(",".join(row) for row in [HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(arg) for arg in args], catch_exceptions=False)


def send(folder: Path, store: str, *extra: str, forms: str = "readiness,risk") -> Result:
    """`campaign send` of the three-language respondents to folder/outbox."""
    respondents = folder / "respondents.csv"
    if not respondents.exists():
        write_respondents(folder)
    return run(
        "campaign", "send", "--content", SMALL, "--respondents", respondents, "--form", forms, "--round", ROUND,
        "--from", SENDER, "--deadline", "2026-03-31", "--store", store, "--out", folder / "outbox", *extra,
    )  # fmt: skip


def read_eml(path: Path) -> EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def drafts(outbox: Path) -> dict[str, EmailMessage]:
    """The drafts by the bare address they go to (a respondent with two rows: the first one's)."""
    found: dict[str, EmailMessage] = {}
    for path in sorted(outbox.glob("*.eml")):
        message = read_eml(path)
        found.setdefault(message["To"].addresses[0].addr_spec, message)
    return found


def save_attachments(message: EmailMessage, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for part in message.iter_attachments():
        target = folder / part.get_filename()
        target.write_bytes(part.get_content())
        saved.append(target)
    return saved


def filled_copy(blank: Path, target: Path, seed: int, drop: tuple[str, ...] = ()) -> Path:
    """The form filled in as its respondent would (the pre-filled unit answers kept), less the questions in `drop`."""
    content = load_content(SMALL)
    response = read_response(blank, content)
    answers = sample_answers(response.form, seed, completeness=1.0) | response.answers
    answers = {question: value for question, value in answers.items() if question not in drop}
    CODECS[response.format].fill(content, response.form, response.identity.lang, blank, target, answers)
    return target


def reply(sender: str, to: str, files: list[tuple[str, bytes]], subject: str = "Re: forms") -> EmailMessage:
    """A reply as a mail program sends it: the files attached under the names given."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = "Mon, 02 Mar 2026 10:00:00 +0100"
    message["Message-ID"] = f"<{hashlib.sha256(f'{sender} {subject}'.encode()).hexdigest()[:16]}@agency.example>"
    message.set_content("The completed forms are attached.\n")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message
