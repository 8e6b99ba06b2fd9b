-- The web portal (DESIGN.md section 7): applicant and unit accounts, their
-- sessions and the login lockout. A workstation's database has these tables
-- too, empty.

-- 从事专业技术工作年限, part of the applicant's form.
ALTER TABLE applications ADD COLUMN working_years INTEGER NOT NULL DEFAULT 0;

-- Why the bureau refused a unit's registration; '' while pending or approved.
ALTER TABLE units ADD COLUMN reject_reason TEXT NOT NULL DEFAULT '';

-- Portal accounts: applicants (申报人) with their personal information
-- (人才信息管理), and each unit's user. Logins are stored lower-case.
CREATE TABLE accounts (
	id            TEXT PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('applicant', 'unit')),
	unit_id       TEXT NOT NULL REFERENCES units (id),
	name          TEXT NOT NULL,
	mobile        TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	id_number     TEXT NOT NULL DEFAULT '',
	education     TEXT NOT NULL DEFAULT '',
	major         TEXT NOT NULL DEFAULT '',
	working_years INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL
);
CREATE INDEX accounts_unit ON accounts (unit_id, role);
-- One applicant account per person.
CREATE UNIQUE INDEX accounts_id_number ON accounts (id_number) WHERE role = 'applicant';

-- Sessions: the cookie holds a random token, the table only its SHA-256,
-- so a copy of the database logs nobody in.
CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY,
	account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed logins per key (a login name or an IP address) within a window,
-- and the lockout they caused.
CREATE TABLE login_failures (
	key          TEXT PRIMARY KEY,
	failures     INTEGER NOT NULL,
	first_at     INTEGER NOT NULL,
	locked_until INTEGER
);

-- The key that makes the portal's CSRF tokens, generated at first use.
CREATE TABLE portal_secret (
	only   INTEGER PRIMARY KEY CHECK (only = 1),
	secret BLOB NOT NULL
);

-- Which materials (材料类别) an application of a level must carry before
-- 送审; the bureau changes the rows. Starting set: what every level needs,
-- plus continuing education for 中级.
CREATE TABLE required_materials (
	level TEXT NOT NULL,
	kind  TEXT NOT NULL,
	ord   INTEGER NOT NULL,
	PRIMARY KEY (level, kind)
) WITHOUT ROWID;
INSERT INTO required_materials (level, kind, ord)
	SELECT l.level, k.kind, k.ord FROM (SELECT '员级' AS level UNION ALL SELECT '助理级' UNION ALL SELECT '中级') l,
	(SELECT '居民身份证' AS kind, 1 AS ord UNION ALL SELECT '学历证书', 2 UNION ALL SELECT '劳动合同或聘用证明', 5
	 UNION ALL SELECT '社会保险缴费证明', 6 UNION ALL SELECT '专业技术工作经历（业绩）材料', 7
	 UNION ALL SELECT '近期免冠照片', 10) k;
INSERT INTO required_materials (level, kind, ord) VALUES ('中级', '继续教育证明', 8);
