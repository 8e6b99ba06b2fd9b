-- A stolen or retired workstation is revoked (admin device-revoke): the
-- server refuses it at once, and every desk learns when, so that what it
-- sealed afterwards verifies as revoked.
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
ALTER TABLE device_keys ADD COLUMN revoked_at INTEGER;
