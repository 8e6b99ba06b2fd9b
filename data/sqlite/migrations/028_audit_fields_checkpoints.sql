-- The audit chain an auditor can prove (DESIGN.md section 3).

-- Each event records the fields of the application its command changed,
-- with their new values (data.Recorded): a row edited outside commands no
-- longer matches its last event. JSON list of [field, value].
ALTER TABLE audit_events ADD COLUMN changes TEXT NOT NULL DEFAULT '[]';

-- The chain's head signed with the bureau's key, at every backup and at
-- least daily: events cut off after a checkpoint, or a checkpoint that
-- is not the bureau's, show.
CREATE TABLE audit_checkpoints (
	seq       INTEGER PRIMARY KEY, -- the last event it covers
	hash      TEXT NOT NULL,       -- that event's hash
	at        INTEGER NOT NULL,
	key_id    TEXT NOT NULL,
	signature BLOB NOT NULL,
	reason    TEXT NOT NULL DEFAULT ''
);
