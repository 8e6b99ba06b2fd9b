-- Times are INTEGER Unix nanoseconds in UTC (NULL when unknown); money is
-- INTEGER fen.

CREATE TABLE liaison_points (
	id      TEXT PRIMARY KEY,
	code    TEXT NOT NULL UNIQUE,
	name    TEXT NOT NULL,
	place   TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	phone   TEXT NOT NULL DEFAULT '',
	active  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE units (
	id             TEXT PRIMARY KEY,
	name           TEXT NOT NULL,
	credit_code    TEXT NOT NULL UNIQUE,
	contact_name   TEXT NOT NULL DEFAULT '',
	contact_mobile TEXT NOT NULL DEFAULT '',
	approved       INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER
);

CREATE TABLE clerks (
	id               TEXT PRIMARY KEY,
	login            TEXT NOT NULL UNIQUE,
	name             TEXT NOT NULL,
	role             TEXT NOT NULL,
	liaison_point_id TEXT REFERENCES liaison_points (id),
	password_hash    TEXT NOT NULL DEFAULT '',
	active           INTEGER NOT NULL DEFAULT 1
);

-- Applications carry no foreign keys to liaison points or units: a
-- workstation receives snapshots in any order from sync.
CREATE TABLE applications (
	id                  TEXT PRIMARY KEY,
	no                  TEXT NOT NULL UNIQUE,
	version             INTEGER NOT NULL,
	status              TEXT NOT NULL,
	series              TEXT NOT NULL DEFAULT '',
	qualification       TEXT NOT NULL DEFAULT '',
	level               TEXT NOT NULL DEFAULT '',
	method              TEXT NOT NULL DEFAULT '',
	liaison_point_id    TEXT NOT NULL DEFAULT '',
	applicant_id        TEXT NOT NULL DEFAULT '',
	name                TEXT NOT NULL DEFAULT '',
	id_number           TEXT NOT NULL DEFAULT '',
	mobile              TEXT NOT NULL DEFAULT '',
	education           TEXT NOT NULL DEFAULT '',
	major               TEXT NOT NULL DEFAULT '',
	unit_id             TEXT NOT NULL DEFAULT '',
	unit_name           TEXT NOT NULL DEFAULT '',
	unit_credit_code    TEXT NOT NULL DEFAULT '',
	unit_opinion        TEXT NOT NULL DEFAULT '',
	publicity_start     INTEGER,
	publicity_end       INTEGER,
	assignee_id         TEXT NOT NULL DEFAULT '',
	assignee_name       TEXT NOT NULL DEFAULT '',
	supplement_deadline INTEGER,
	notice_no           TEXT,
	notice_pay_code     TEXT NOT NULL DEFAULT '',
	notice_amount       INTEGER NOT NULL DEFAULT 0,
	notice_issued_at    INTEGER,
	notice_issued_by    TEXT NOT NULL DEFAULT '',
	payment_receipt_no  TEXT,
	payment_amount      INTEGER NOT NULL DEFAULT 0,
	payment_channel     TEXT NOT NULL DEFAULT '',
	payment_proof       TEXT NOT NULL DEFAULT '',
	payment_paid_at     INTEGER,
	payment_recorded_at INTEGER,
	payment_recorded_by TEXT NOT NULL DEFAULT '',
	certificate_no      TEXT,
	certificate_at      INTEGER,
	created_at          INTEGER,
	updated_at          INTEGER,
	submitted_at        INTEGER,
	reviewed_at         INTEGER
);

-- Queues: by liaison point and status, oldest submission first; the index
-- also covers the counts by status.
CREATE INDEX applications_queue ON applications (liaison_point_id, status, submitted_at);
CREATE INDEX applications_status ON applications (status, submitted_at);
CREATE INDEX applications_unit ON applications (unit_id, status);
CREATE INDEX applications_applicant ON applications (applicant_id);
CREATE INDEX applications_id_number ON applications (id_number);
-- A name substring cannot use an index for lookup, but scanning this
-- narrow index is several times cheaper than scanning the table.
CREATE INDEX applications_name ON applications (name);
CREATE INDEX applications_deadline ON applications (supplement_deadline) WHERE supplement_deadline IS NOT NULL;

CREATE TABLE attachments (
	application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	id             TEXT NOT NULL,
	ord            INTEGER NOT NULL,
	kind           TEXT NOT NULL,
	file_name      TEXT NOT NULL DEFAULT '',
	sha256         TEXT NOT NULL,
	size           INTEGER NOT NULL DEFAULT 0,
	content_type   TEXT NOT NULL DEFAULT '',
	check_result   TEXT NOT NULL DEFAULT '',
	check_note     TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (application_id, id)
) WITHOUT ROWID;

CREATE TABLE decisions (
	application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
	ord            INTEGER NOT NULL,
	action         TEXT NOT NULL,
	from_status    TEXT NOT NULL,
	to_status      TEXT NOT NULL,
	actor_id       TEXT NOT NULL,
	actor_name     TEXT NOT NULL,
	role           TEXT NOT NULL,
	reasons        TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	note           TEXT NOT NULL DEFAULT '',
	at             INTEGER NOT NULL,
	PRIMARY KEY (application_id, ord)
) WITHOUT ROWID;

-- The audit hash chain; seq is the chain position.
CREATE TABLE audit_events (
	seq            INTEGER PRIMARY KEY,
	command_id     TEXT NOT NULL DEFAULT '',
	application_id TEXT NOT NULL,
	application_no TEXT NOT NULL,
	action         TEXT NOT NULL,
	from_status    TEXT NOT NULL,
	to_status      TEXT NOT NULL,
	version        INTEGER NOT NULL,
	actor_id       TEXT NOT NULL,
	actor_name     TEXT NOT NULL,
	role           TEXT NOT NULL,
	reasons        TEXT NOT NULL DEFAULT '[]',
	note           TEXT NOT NULL DEFAULT '',
	document       TEXT NOT NULL DEFAULT '',
	at             INTEGER NOT NULL,
	prev_hash      TEXT NOT NULL,
	hash           TEXT NOT NULL
);
CREATE INDEX audit_events_application ON audit_events (application_id, seq);
-- A command is applied once; a replay finds its event.
CREATE UNIQUE INDEX audit_events_command ON audit_events (command_id) WHERE command_id <> '';

CREATE TABLE sms_outbox (
	id             INTEGER PRIMARY KEY,
	dedupe_key     TEXT NOT NULL UNIQUE,
	application_id TEXT NOT NULL,
	mobile         TEXT NOT NULL,
	text           TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	attempts       INTEGER NOT NULL DEFAULT 0,
	last_error     TEXT NOT NULL DEFAULT '',
	sent_at        INTEGER
);
CREATE INDEX sms_outbox_pending ON sms_outbox (id) WHERE sent_at IS NULL;

CREATE TABLE reasons (
	id     INTEGER PRIMARY KEY,
	step   TEXT NOT NULL,
	text   TEXT NOT NULL,
	ord    INTEGER NOT NULL,
	active INTEGER NOT NULL DEFAULT 1,
	UNIQUE (step, text)
);

CREATE TABLE fees (
	level  TEXT PRIMARY KEY,
	amount INTEGER NOT NULL CHECK (amount >= 0)
);

-- The bureau's calendar overrides on top of data.DefaultCalendar.
CREATE TABLE calendar_days (
	date TEXT PRIMARY KEY, -- 2006-01-02
	work INTEGER NOT NULL,
	name TEXT NOT NULL DEFAULT ''
);

-- Per-year sequences of application numbers.
CREATE TABLE counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
