-- Campaigns: who was sent which personalised form in a round, every message drafted and every attempt to send
-- one. A campaign form is known as returns are: by round, form id and the unit written into its identity
-- (spelling-blind key), so that status can set what was sent beside what came back. JSON is kept as TEXT.

CREATE TABLE campaign_respondents (
    round TEXT NOT NULL,
    respondent TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    use_case TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    cc TEXT NOT NULL,
    lang TEXT NOT NULL,
    extra TEXT NOT NULL,
    sender TEXT NOT NULL,
    deadline TEXT,
    formats TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (round, respondent)
);

CREATE TABLE campaign_forms (
    round TEXT NOT NULL,
    form TEXT NOT NULL,
    unit_key TEXT NOT NULL,
    unit TEXT NOT NULL,
    respondent TEXT NOT NULL,
    prefill TEXT NOT NULL,
    attachments TEXT NOT NULL,
    drafted_at TEXT NOT NULL,
    PRIMARY KEY (round, form, unit_key)
);

CREATE TABLE campaign_messages (
    round TEXT NOT NULL,
    message_key TEXT NOT NULL,
    respondent TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    path TEXT NOT NULL,
    message_id TEXT NOT NULL,
    forms TEXT NOT NULL,
    drafted_at TEXT NOT NULL,
    PRIMARY KEY (round, message_key)
);

CREATE TABLE campaign_sends (
    seq INTEGER PRIMARY KEY,
    round TEXT NOT NULL,
    message_key TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('sent', 'failed')),
    detail TEXT NOT NULL
);

CREATE INDEX campaign_sends_by_message ON campaign_sends (round, message_key);
