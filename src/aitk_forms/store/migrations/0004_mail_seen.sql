-- Mail already taken: the messages an import has read whole, so that the next import of the same mailbox or IMAP
-- folder passes over them without parsing (or fetching) them again. `place` is '' for a message known by its
-- message key (any .eml, mbox, Maildir or .msg), or the imaps:// folder for a message known by
-- <UIDVALIDITY>:<UID>. `files` is the JSON list of [sha256, path] of the files the message carried.

CREATE TABLE mail_seen (
    place TEXT NOT NULL,
    item TEXT NOT NULL,
    files TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (place, item)
);
