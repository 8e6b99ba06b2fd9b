-- On a workstation the applications table holds each application as the
-- clerk's own commands left it: the local change is written with its outbox
-- row (DESIGN, sync), so queues and counts show it at once. The server's last
-- snapshot of an application with commands it has not answered, or has
-- applied but not yet sent back, is kept here, to lay those commands on again
-- when a pull brings a newer snapshot or the server refuses one.
CREATE TABLE server_snapshots (
	application_id TEXT PRIMARY KEY,
	version        INTEGER NOT NULL,
	body           TEXT NOT NULL
);
