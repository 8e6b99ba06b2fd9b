-- The bureau's sealing keys, current and retired (admin key-rotate): the
-- server syncs their public halves to every desk, so forms sealed with a
-- retired key still verify there.
CREATE TABLE bureau_keys (
	key_id     TEXT PRIMARY KEY,
	public_key BLOB NOT NULL,
	added_at   INTEGER NOT NULL,
	retired_at INTEGER
);
