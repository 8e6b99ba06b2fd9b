-- A portal account's password reset (找回密码): a six-digit code texted to
-- the registered mobile, kept as a hash, good for ten minutes, once, and
-- for a few tries. One code per account at a time; asking again replaces it.
CREATE TABLE password_resets (
	account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	code_hash  TEXT NOT NULL,
	sent_at    INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0
);
