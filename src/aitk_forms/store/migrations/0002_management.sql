-- Managing the store: unit aliases (two spellings, one unit) and the record of what was done.

CREATE TABLE aliases (
    from_key TEXT PRIMARY KEY,
    to_key TEXT NOT NULL,
    from_unit TEXT NOT NULL,
    to_unit TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE actions (
    seq INTEGER PRIMARY KEY,
    done_at TEXT NOT NULL,
    done_by TEXT NOT NULL,
    action TEXT NOT NULL,
    args TEXT NOT NULL,
    result TEXT NOT NULL
);

CREATE INDEX responses_by_round ON responses (round, state);
