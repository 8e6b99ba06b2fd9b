-- How the bureau numbers its certificates (data.CertificatePattern): the
-- server gives the number when it applies a 发证 that leaves it blank,
-- from a counter per year (counters: certificate-year/2026).
CREATE TABLE certificate_settings (
	only    INTEGER PRIMARY KEY CHECK (only = 1),
	pattern TEXT NOT NULL
);
INSERT INTO certificate_settings VALUES (1, '粤职证字 {YYYY}-{SEQ:6}');
