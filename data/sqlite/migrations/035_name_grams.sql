-- Names are found by the characters and pairs of characters in them, not
-- by reading every name: a search for a name over every status read all
-- the names there are, 93 ms at a million applications (issue 21). Kept by
-- the applications' own triggers, in the same transaction as every change,
-- like status_counts. Grams are lower case, as LIKE matches ASCII letters
-- either way. Not kept with the status: every status change would then
-- rewrite the application's grams, which cost push 40 % at a million.
CREATE TABLE name_grams (
	gram           TEXT NOT NULL,
	application_id TEXT NOT NULL,
	PRIMARY KEY (gram, application_id)
) WITHOUT ROWID;

-- The positions a gram starts at: triggers cannot count with a CTE. Names
-- are at most 40 characters (data.Form); 64 leaves room.
CREATE TABLE name_gram_positions (n INTEGER PRIMARY KEY);
WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < 64)
	INSERT INTO name_gram_positions (n) SELECT n FROM p;

-- The grams of a name: each character (k = 1) and each pair (k = 2).
CREATE VIEW name_gram_sizes (k) AS SELECT 1 UNION ALL SELECT 2;

-- Every stored application's grams: what the triggers below keep, for
-- filling the table in bulk (here, and a desk's first snapshot).
CREATE VIEW application_name_grams (gram, application_id) AS
	SELECT DISTINCT lower(substr(a.name, p.n, s.k)), a.id FROM applications a, name_gram_positions p, name_gram_sizes s
	WHERE p.n + s.k - 1 <= length(a.name);

INSERT INTO name_grams (gram, application_id) SELECT gram, application_id FROM application_name_grams;

-- DISTINCT, not OR IGNORE alone: a trigger takes the conflict policy of
-- the statement that fired it, and a name may repeat a character (李伟伟).
CREATE TRIGGER applications_grams_insert AFTER INSERT ON applications BEGIN
	INSERT INTO name_grams (gram, application_id)
		SELECT DISTINCT lower(substr(NEW.name, p.n, s.k)), NEW.id FROM name_gram_positions p, name_gram_sizes s
		WHERE p.n + s.k - 1 <= length(NEW.name);
END;

CREATE TRIGGER applications_grams_delete AFTER DELETE ON applications BEGIN
	DELETE FROM name_grams WHERE application_id = OLD.id AND gram IN (
		SELECT lower(substr(OLD.name, p.n, s.k)) FROM name_gram_positions p, name_gram_sizes s WHERE p.n + s.k - 1 <= length(OLD.name));
END;

CREATE TRIGGER applications_grams_update AFTER UPDATE OF name, id ON applications
	WHEN OLD.name IS NOT NEW.name OR OLD.id IS NOT NEW.id BEGIN
	DELETE FROM name_grams WHERE application_id = OLD.id AND gram IN (
		SELECT lower(substr(OLD.name, p.n, s.k)) FROM name_gram_positions p, name_gram_sizes s WHERE p.n + s.k - 1 <= length(OLD.name));
	INSERT INTO name_grams (gram, application_id)
		SELECT DISTINCT lower(substr(NEW.name, p.n, s.k)), NEW.id FROM name_gram_positions p, name_gram_sizes s
		WHERE p.n + s.k - 1 <= length(NEW.name);
END;
