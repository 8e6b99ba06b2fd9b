-- A stolen or retired workstation is revoked (admin device-revoke): the
-- server refuses it at once, and every desk learns when, so that what it
-- sealed afterwards verifies as revoked.
ALTER TABLE devices ADD COLUMN revoked_at INTEGER;
ALTER TABLE device_keys ADD COLUMN revoked_at INTEGER;
-- A device revoked by hand before this (the flag alone) stays revoked.
UPDATE devices SET revoked_at = enrolled_at WHERE revoked AND revoked_at IS NULL;
