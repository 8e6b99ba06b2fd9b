-- Money as the bureau's finance system has it (issue 19): notices issued by
-- its non-tax revenue system, payments reconciled against its statements,
-- refunds, and each clerk's daily settlement closed when printed.

ALTER TABLE applications ADD COLUMN notice_payee TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN notice_due INTEGER;
ALTER TABLE applications ADD COLUMN notice_pay_url TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN payment_recorded_by_id TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN payment_corrected_by TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN payment_corrected_at INTEGER;
-- '' until a statement was compared with the application.
ALTER TABLE applications ADD COLUMN recon_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN recon_pay_code TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN recon_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN recon_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN recon_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN recon_paid_at INTEGER;
ALTER TABLE applications ADD COLUMN recon_at INTEGER;
-- NULL while there is no refund.
ALTER TABLE applications ADD COLUMN refund_amount INTEGER;
ALTER TABLE applications ADD COLUMN refund_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN refund_by TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN refund_at INTEGER;
ALTER TABLE applications ADD COLUMN refund_payment_by TEXT NOT NULL DEFAULT '';

-- The guide's two ways of paying were 银行 and 微信; the counter now names
-- the bank's as 银行柜台 beside 网上缴费 and 其他.
UPDATE applications SET payment_channel = '银行柜台' WHERE payment_channel = '银行';
UPDATE outbox SET command = replace(command, '"Channel":"银行"', '"Channel":"银行柜台"') WHERE state = 'pending';

-- Settlements and the month's summary read payments by when they were
-- recorded; the exceptions list reads what did not reconcile.
CREATE INDEX applications_payment_recorded ON applications (payment_recorded_at) WHERE payment_recorded_at IS NOT NULL;
CREATE INDEX applications_refund ON applications (refund_at) WHERE refund_at IS NOT NULL;
CREATE INDEX applications_recon ON applications (recon_outcome) WHERE recon_outcome NOT IN ('', 'matched');

-- The bureau's choices about money (data.FinanceSettings); one row, on the
-- server and, by sync, on every desk.
CREATE TABLE finance_settings (
	only               INTEGER PRIMARY KEY CHECK (only = 1),
	flow               TEXT NOT NULL,
	payee              TEXT NOT NULL,
	item               TEXT NOT NULL,
	require_reconciled INTEGER NOT NULL,
	unreceived_days    INTEGER NOT NULL
);
INSERT INTO finance_settings VALUES (1, 'notice', '东莞市人力资源局', '专业技术资格考核认定费', 1, 3);

-- Server: every entry of the statements imported, once each; the
-- application it belongs to when its code is a notice's.
CREATE TABLE statement_entries (
	pay_code       TEXT NOT NULL,
	ref            TEXT NOT NULL,
	channel        TEXT NOT NULL DEFAULT '',
	amount         INTEGER NOT NULL,
	paid_at        INTEGER NOT NULL,
	application_id TEXT,
	import_id      INTEGER NOT NULL REFERENCES finance_imports (id),
	PRIMARY KEY (pay_code, ref)
);
CREATE INDEX statement_entries_unmatched ON statement_entries (import_id) WHERE application_id IS NULL;

-- Server: each import of the finance system's files, and what came of it.
CREATE TABLE finance_imports (
	id       INTEGER PRIMARY KEY,
	kind     TEXT NOT NULL, -- notices, statement
	file     TEXT NOT NULL,
	sha256   TEXT NOT NULL,
	at       INTEGER NOT NULL,
	by       TEXT NOT NULL,
	rows     INTEGER NOT NULL,
	applied  INTEGER NOT NULL,
	report   TEXT NOT NULL -- JSON of the rows refused and why
);

-- Desk: a clerk's closed settlement days. The report is kept as printed, so
-- a reprint is the same page; settled names every entry it holds, so a
-- later one falls into the next open day.
CREATE TABLE settlements (
	clerk_id  TEXT NOT NULL,
	day       TEXT NOT NULL, -- yyyymmdd, Shanghai
	closed_at INTEGER NOT NULL,
	report    TEXT NOT NULL, -- JSON of the printed report
	PRIMARY KEY (clerk_id, day)
);
CREATE TABLE settled (
	entry    TEXT PRIMARY KEY, -- application id, "/payment/" or "/refund/", and when it was recorded: a payment recorded again is another entry
	clerk_id TEXT NOT NULL,
	day      TEXT NOT NULL
);
