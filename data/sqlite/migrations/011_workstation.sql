-- The workstation's side of sync (DESIGN.md section 4). The server's
-- database has these tables too, empty.

-- Who this workstation is; one row once enrolled.
CREATE TABLE identity (
	only              INTEGER PRIMARY KEY CHECK (only = 1),
	server_url        TEXT NOT NULL,
	fingerprint       TEXT NOT NULL,
	device            TEXT NOT NULL, -- JSON of data.Device
	token             TEXT NOT NULL,
	private_key       BLOB NOT NULL, -- PEM of the device's Ed25519 sealing key
	bureau_key_id     TEXT NOT NULL,
	bureau_public_key BLOB NOT NULL,
	cursor            INTEGER NOT NULL DEFAULT 0,
	acked_seq         INTEGER NOT NULL DEFAULT 0
);

-- Every clerk action, written with the local change in one transaction.
-- Pending rows are pushed in seq order; rejected and conflicting rows stay
-- until a clerk redoes or discards them; discarded rows are kept.
CREATE TABLE outbox (
	seq            INTEGER PRIMARY KEY,
	command_id     TEXT NOT NULL UNIQUE,
	application_id TEXT NOT NULL,
	at             INTEGER NOT NULL,
	command        TEXT NOT NULL, -- JSON of data.Command
	state          TEXT NOT NULL DEFAULT 'pending',
	code           TEXT NOT NULL DEFAULT '',
	message        TEXT NOT NULL DEFAULT '',
	version        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_application ON outbox (application_id, seq);
CREATE INDEX outbox_state ON outbox (state, seq);

-- Other devices' public keys, to verify what they sealed.
CREATE TABLE device_keys (
	id               TEXT PRIMARY KEY,
	code             TEXT NOT NULL,
	key_id           TEXT NOT NULL UNIQUE,
	liaison_point_id TEXT NOT NULL DEFAULT '',
	public_key       BLOB NOT NULL
);
