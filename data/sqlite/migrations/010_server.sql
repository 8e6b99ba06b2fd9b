-- The sealed application form travels with the application.
ALTER TABLE applications ADD COLUMN form_seal TEXT NOT NULL DEFAULT '';

-- SMS delivery: the gateway template and the back-off between attempts.
ALTER TABLE sms_outbox ADD COLUMN template TEXT NOT NULL DEFAULT '';
ALTER TABLE sms_outbox ADD COLUMN next_at INTEGER;

-- The server's side of sync (DESIGN.md section 4). A workstation's
-- database has these tables too, empty.

CREATE TABLE devices (
	id               TEXT PRIMARY KEY,
	code             TEXT NOT NULL UNIQUE,
	role             TEXT NOT NULL,
	liaison_point_id TEXT NOT NULL DEFAULT '',
	public_key       BLOB NOT NULL,
	key_id           TEXT NOT NULL,
	hostname         TEXT NOT NULL DEFAULT '',
	token_hash       TEXT NOT NULL UNIQUE,
	enrolled_at      INTEGER NOT NULL,
	acked_seq        INTEGER NOT NULL DEFAULT 0,
	revoked          INTEGER NOT NULL DEFAULT 0
);

-- One-time enrollment codes, kept after use so a second use is told so.
CREATE TABLE enrollments (
	code_hash        TEXT PRIMARY KEY,
	role             TEXT NOT NULL,
	liaison_point_id TEXT NOT NULL DEFAULT '',
	expires_at       INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	used_at          INTEGER,
	device_id        TEXT
);

-- The permanent outcome of every pushed command, so a replay gets the same
-- answer.
CREATE TABLE command_results (
	device_id  TEXT NOT NULL REFERENCES devices (id),
	seq        INTEGER NOT NULL,
	command_id TEXT NOT NULL,
	state      TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 0,
	code       TEXT NOT NULL DEFAULT '',
	message    TEXT NOT NULL DEFAULT '',
	at         INTEGER NOT NULL,
	PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

-- The change log: one row per entity, moved to a new seq at every change.
-- AUTOINCREMENT keeps seqs from being reused after the delete that moves a row.
CREATE TABLE changes (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	kind      TEXT NOT NULL,
	entity_id TEXT NOT NULL,
	scope     TEXT NOT NULL DEFAULT '',
	UNIQUE (kind, entity_id)
);
CREATE INDEX changes_scope ON changes (scope, seq);
