-- The messages given up on, which the console lists on every visit.
CREATE INDEX sms_outbox_failed ON sms_outbox (id) WHERE failed_at IS NOT NULL;
