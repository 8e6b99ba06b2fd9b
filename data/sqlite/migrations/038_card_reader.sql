-- A workstation's identity-card reader (设置): the vendor's termb.dll and
-- the port it is on (1001–1016 USB, 1–16 serial, 0 the first USB port that
-- answers). No row: the desk has no reader and offers no 读身份证.
CREATE TABLE card_reader (
	one  INTEGER PRIMARY KEY CHECK (one = 1),
	dll  TEXT NOT NULL,
	port INTEGER NOT NULL CHECK (port = 0 OR port BETWEEN 1 AND 16 OR port BETWEEN 1001 AND 1016)
);
