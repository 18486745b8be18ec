"""What an import found: one FileResult per input file, and the ImportResult of the whole run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .problems import Problem

if TYPE_CHECKING:
    from .campaign.records import FormStatus
    from .reports.trends import Trends

STATUSES = ("accepted", "accepted_with_warnings", "duplicate", "known", "ignored", "rejected")
ACCEPTED = ("accepted", "accepted_with_warnings")


@dataclass
class FileResult:
    path: str
    sha256: str
    status: str = "rejected"
    reason: str | None = None
    problems: list[Problem] = field(default_factory=list)
    format: str | None = None
    form: str | None = None
    version: str | None = None
    lang: str | None = None
    answers: dict = field(default_factory=dict)
    scores: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    provisional: dict = field(default_factory=dict)  # result key -> {"answered": n, "needed": m}
    findings: dict = field(default_factory=dict)  # result key -> not_enough_knowledge | until_resolved
    round: str | None = None
    unit: str | None = None
    source: dict | None = None  # the message an attachment came from: container, message_id, from, date, subject
    saved_at: str | None = None  # the save time the file records (ISO 8601): breaks ties between duplicates
    # A return made from an older version of its form: the answers under that version's question ids, as the
    # store keeps them (`answers` holds them brought forward to today's ids). None: the same as `answers`.
    answers_as_read: dict | None = None

    def as_json(self) -> dict:
        return {
            "path": self.path, "sha256": self.sha256, "status": self.status, "reason": self.reason,
            "source": self.source,
            "problems": [{"question": p.question, "message": p.message} for p in self.problems],
            "format": self.format, "form": self.form, "version": self.version, "lang": self.lang,
            "round": self.round, "unit": self.unit,
            "answers": self.answers, "scores": self.scores, "levels": self.levels,
            "provisional": self.provisional, "findings": self.findings,
        }  # fmt: skip


@dataclass
class ImportResult:
    files: list[FileResult]  # this run's inputs
    # The scored responses the reports cover: from the store, every kept response of the rounds this run
    # touched (recording.StoredResponses, read from the store again whenever iterated); None: the accepted files
    # of this run.
    responses: Iterable[FileResult] | None = None
    # Trends and changes across the store's rounds (reports/trends.py); None: no store, nothing to compare.
    trends: Trends | None = None
    # The campaign status of the reported rounds that have a campaign (campaign/status.py): the Status sheet.
    campaign: list[FormStatus] = field(default_factory=list)

    def covered(self) -> Iterable[FileResult]:
        if self.responses is not None:
            return self.responses
        return [f for f in self.files if f.status in ACCEPTED]

    def covered_of(self, form_id: str) -> Iterable[FileResult]:
        """The covered responses of one form; from the store, read one at a time (recording.StoredResponses)."""
        of_form = getattr(self.responses, "of_form", None)
        if of_form is not None:
            return of_form(form_id)
        return (f for f in self.covered() if f.form == form_id)

    def summary(self) -> dict[str, int]:
        found = Counter(f.status for f in self.files)  # one pass: `files` may be read from the store
        return {"files": len(self.files), **{status: found[status] for status in STATUSES}}

    def summary_line(self) -> str:
        s = self.summary()
        line = (
            f"{s['files']} files: {s['accepted']} accepted, {s['accepted_with_warnings']} with warnings, "
            f"{s['duplicate']} duplicates, {s['rejected']} rejected"
        )
        return line + "".join(f", {s[k]} {k}" for k in ("known", "ignored") if s[k])

    def as_json(self) -> dict:
        return {"files": [f.as_json() for f in self.files], "summary": self.summary()}
