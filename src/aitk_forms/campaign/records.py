"""What a campaign's status says of one form, and the keys its messages are recorded under: plain data that the
reports and the import's results carry without knowing how a campaign is run."""

from __future__ import annotations

from dataclasses import dataclass, fields

RETURNED, WITH_WARNINGS, REJECTED, MISSING = "returned", "returned_with_warnings", "rejected", "missing"


@dataclass(frozen=True)
class FormStatus:
    """One respondent x form of a round. `sent`: drafted | sent | failed; `returned`: returned |
    returned_with_warnings | rejected | missing. Times are ISO 8601."""

    round: str
    form: str
    unit: str
    respondent: str
    email: str
    lang: str
    sent: str
    sent_at: str
    returned: str
    returned_at: str = ""
    file: str = ""
    detail: str = ""
    reminded_at: str = ""

    @property
    def awaited(self) -> bool:
        """Still to come: missing, or rejected (a readable file is still needed)."""
        return self.returned in (MISSING, REJECTED)


COLUMNS = tuple(field.name for field in fields(FormStatus))


def invitation_key(respondent_key: str) -> str:
    """The key of a respondent's first message of a round: one per respondent and round."""
    return f"invitation {respondent_key}"
