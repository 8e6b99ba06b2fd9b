-- A certificate the bureau revoked (撤销证书): when, and why. 证书查询
-- answers 已撤销 for it.
ALTER TABLE applications ADD COLUMN certificate_revoked_at INTEGER;
ALTER TABLE applications ADD COLUMN certificate_revoked_why TEXT NOT NULL DEFAULT '';
