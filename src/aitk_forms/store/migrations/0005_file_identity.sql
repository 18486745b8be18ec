-- The identity a file declared, kept for rejected files too: a file rejected after its identity was read (answers
-- that break the form's rules, a changed list of answers) still says which form, round and unit it returns, so that
-- `campaign status` can set it beside the form that was sent. NULL where no identity could be read.

ALTER TABLE files ADD COLUMN form TEXT;

ALTER TABLE files ADD COLUMN round TEXT;

ALTER TABLE files ADD COLUMN unit TEXT;
