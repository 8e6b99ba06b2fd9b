-- Restores lose nothing (DESIGN.md section 4).

-- The server's identity since its last restore: admin restore gives it a
-- new epoch, and every device that sees a new one sends again what the
-- restored copy may have forgotten. A workstation's database has it too,
-- unused.
CREATE TABLE server_epoch (
	only          INTEGER PRIMARY KEY CHECK (only = 1),
	epoch         TEXT NOT NULL,
	restored_at   INTEGER,
	restored_from TEXT NOT NULL DEFAULT ''
);
INSERT INTO server_epoch (only, epoch) VALUES (1, lower(hex(randomblob(8))));

-- When the clerk acted, as the device said; at is when the server received it.
ALTER TABLE command_results ADD COLUMN desk_at INTEGER;

-- The workstation: the server epoch it last synced with; its clock's offset
-- to the server's (nanoseconds, server minus desk) as last measured; how
-- long answered commands are kept; and whether a pull from the start after
-- a restore is under way (resync_seen holds what it brought so far).
ALTER TABLE identity ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
ALTER TABLE identity ADD COLUMN clock_offset INTEGER NOT NULL DEFAULT 0;
ALTER TABLE identity ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE identity ADD COLUMN resync INTEGER NOT NULL DEFAULT 0;
CREATE TABLE resync_seen (application_id TEXT PRIMARY KEY) WITHOUT ROWID;
-- Applications a pull from the start did not bring, kept while this desk
-- still has a command on one to show its clerk, and dropped after.
CREATE TABLE resync_orphans (application_id TEXT PRIMARY KEY) WITHOUT ROWID;

-- Answered commands are kept for retention_days after their answer instead
-- of being dropped: settled marks an applied one the desk's copy already
-- shows (listed nowhere), resend one to send again after a server restore.
ALTER TABLE outbox ADD COLUMN answered_at INTEGER;
ALTER TABLE outbox ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN resend INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_resend ON outbox (seq) WHERE resend;
-- Trimming after every answer and pull looks only at applied entries not
-- yet settled, not at the month of settled ones kept.
CREATE INDEX outbox_unsettled ON outbox (application_id) WHERE state = 'applied' AND NOT settled;

-- What the desk did by itself that its clerk should know: recoveries after
-- a restore, shown on the sync screen.
CREATE TABLE sync_notices (
	id   INTEGER PRIMARY KEY,
	at   INTEGER NOT NULL,
	text TEXT NOT NULL
);
