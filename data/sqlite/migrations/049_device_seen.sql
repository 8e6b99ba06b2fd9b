-- When each workstation last reached the server, and the build it runs:
-- what the console shows an administrator (a desk that stopped syncing, one
-- left on an old build).
ALTER TABLE devices ADD COLUMN last_seen_at INTEGER;
ALTER TABLE devices ADD COLUMN build TEXT NOT NULL DEFAULT '';
