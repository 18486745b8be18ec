-- Every file seen, every accepted response with its answers as read and its final results, and the
-- form definition of every content version held. JSON is kept as TEXT so that both databases read it alike.

CREATE TABLE files (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    size BIGINT NOT NULL,
    seen_at TEXT NOT NULL,
    read_status TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    format TEXT,
    problems TEXT NOT NULL,
    source TEXT
);

CREATE TABLE responses (
    sha256 TEXT PRIMARY KEY REFERENCES files (sha256),
    content TEXT NOT NULL,
    form TEXT NOT NULL,
    version TEXT NOT NULL,
    lang TEXT NOT NULL,
    round TEXT NOT NULL,
    unit TEXT NOT NULL,
    spelling_key TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    answers TEXT NOT NULL,
    scores TEXT NOT NULL,
    levels TEXT NOT NULL,
    provisional TEXT NOT NULL,
    saved_at TEXT,
    saved_order TEXT NOT NULL,
    answered INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('kept', 'duplicate', 'withdrawn')),
    reason TEXT
);

CREATE INDEX responses_by_group ON responses (form, round, unit_key);

-- The answers again, one row per value (one per choice of a multi-choice question), for SQL aggregates.
CREATE TABLE answers (
    sha256 TEXT NOT NULL REFERENCES responses (sha256),
    question TEXT NOT NULL,
    item INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (sha256, question, item)
);

CREATE TABLE forms (
    content TEXT NOT NULL,
    form TEXT NOT NULL,
    version TEXT NOT NULL,
    definition TEXT NOT NULL,
    PRIMARY KEY (content, form, version)
);
