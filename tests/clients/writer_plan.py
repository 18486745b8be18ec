"""What a respondent types into a Word form in LibreOffice Writer, as the job lists of
clients/writer_fill.py, and those jobs run in parallel batches, one Writer for each batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from aitk_forms.formats.docx.sdt import bookmark_name

# Answers typed by respondents: each language's own script, and mixed scripts in one answer.
NATIVE = {
    "en": "Face matching on station cameras",
    "fr": "Reconnaissance faciale à l'accueil",
    "es": "Reconocimiento facial en la comisaría",
    "ar": "مطابقة الوجوه في كاميرات المراقبة",
    "ru": "Распознавание лиц на камерах",
    "zh": "监控摄像头人脸比对",
}
MIXED = "Unit 7: مطابقة 人脸比对 Привет (CCTV)"

WRITER_FILL = Path(__file__).resolve().parent / "writer_fill.py"


def typed_controls(form, lang: str, answers: dict) -> dict:
    """Bookmark -> what to type, choose or tick: labels in the form's language, True per ticked
    choice, dates and numbers as text. Bookmarks are named as the renderer names them."""
    typed = {}
    for qid, value in answers.items():
        q = form.question(qid)
        if q.kind == "multi_choice":
            typed.update({bookmark_name(f"ans_{qid}__{choice}"): True for choice in value})
        else:
            typed[bookmark_name(f"ans_{qid}")] = q.choice(value).label.get(lang) if q.has_choices else str(value)
    return typed


def split_in_batches(chains: list[list[dict]], batches: int) -> list[list[dict]]:
    """Chains of jobs (a fill, then a save of what it saved) shared out so that batches take about
    as long: the longest chain first, each to the batch with the fewest controls to fill so far."""
    loads, shares = [0] * batches, [[] for _ in range(batches)]
    for chain in sorted(chains, key=lambda c: -sum(len(job.get("fill", {})) + 10 for job in c)):
        lightest = loads.index(min(loads))
        shares[lightest] += chain
        loads[lightest] += sum(len(job.get("fill", {})) + 10 for job in chain)
    return [share for share in shares if share]


def run_writer_batches(python: str, shares: list[list[dict]], folder: Path, timeout: float = 600) -> list[dict]:
    """Run each batch in its own writer_fill.py (its own soffice and profile), all at once; the
    per-job reports. Raises AssertionError with Writer's output when a batch fails."""
    running = []
    for number, jobs in enumerate(shares):
        path = folder / f"writer-batch-{number}.json"
        path.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
        # A session of its own: on a timeout the batch's soffice is ended with it, by process group.
        command = [python, str(WRITER_FILL), str(path)]
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
        running.append(subprocess.Popen(command, **pipes, start_new_session=True))
    deadline = time.monotonic() + timeout
    reports, failures = [], []
    for process in running:
        try:
            out, err = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            failures.append(f"a Writer batch took over {timeout} s\n{out}{err}")
            continue
        reports += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if process.returncode != 0:
            failures.append(f"a Writer batch failed (exit {process.returncode})\n{out}{err}")
    assert not failures, "\n".join(failures)
    return reports
