-- The bureau's administrators of the web console (issue 20): a password
-- and a TOTP second factor, and their own sessions, apart from the
-- portal's accounts so that no portal login ever reaches the console.
CREATE TABLE admins (
	id            TEXT PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	totp_secret   TEXT NOT NULL,
	totp_step     INTEGER NOT NULL DEFAULT 0,
	active        INTEGER NOT NULL DEFAULT 1,
	created_at    INTEGER NOT NULL
);
CREATE TABLE admin_sessions (
	token_hash TEXT PRIMARY KEY,
	admin_id   TEXT NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
