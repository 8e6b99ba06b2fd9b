-- An address that keeps failing logins is locked for longer each time
-- (data.Lockout.Backoff): an attacker is slowed to a crawl, while an office
-- behind one address waits a minute, not half an hour.
ALTER TABLE login_failures ADD COLUMN lockouts INTEGER NOT NULL DEFAULT 0;
