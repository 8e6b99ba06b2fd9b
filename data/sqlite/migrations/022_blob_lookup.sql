-- A device fetching a scan is checked against the applications that name
-- it: by the scan's hash, and by a payment proof's.
CREATE INDEX attachments_sha256 ON attachments (sha256);
CREATE INDEX applications_payment_proof ON applications (payment_proof) WHERE payment_proof <> '';
