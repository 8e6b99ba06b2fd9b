-- Messages for every step (issue 20): each SMS is for a party (the
-- applicant or the unit's contact) and keeps its template's placeholders
-- (SMS services that send only their registered templates are given
-- those); one that keeps failing is given up after data.SMSMaxAttempts
-- (failed_at) and waits for an administrator's resend. The bureau's own
-- wording of a message, by its key, overrides the built-in one. The portal
-- lists each party's messages (站内消息).
ALTER TABLE sms_outbox ADD COLUMN party TEXT NOT NULL DEFAULT 'applicant';
ALTER TABLE sms_outbox ADD COLUMN params TEXT NOT NULL DEFAULT '[]';
ALTER TABLE sms_outbox ADD COLUMN failed_at INTEGER;
DROP INDEX sms_outbox_pending;
CREATE INDEX sms_outbox_pending ON sms_outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX sms_outbox_application ON sms_outbox (application_id, id);
CREATE TABLE sms_templates (
	key        TEXT PRIMARY KEY,
	text       TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
