"""Mail as a way in: the files that .eml, mbox, Maildir and Outlook .msg messages carry, each with the message it
came from, and everything else in them listed with a reason. Sending and IMAP live beside this, in send and imap."""

from __future__ import annotations

from .containers import mail_kind, read_mail
from .items import REASONS, Attachment, MailLimits, Skipped, Source, safe_name
from .message import message_key, read_message

__all__ = [
    "REASONS",
    "Attachment",
    "MailLimits",
    "Skipped",
    "Source",
    "mail_kind",
    "message_key",
    "read_mail",
    "read_message",
    "safe_name",
]
