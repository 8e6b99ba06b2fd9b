-- A name search looks within the queue shown: the names of one status are a
-- range of this index (a quarter of a one-point desk's 100,000 for 初审),
-- read in place of every name. Without a status it still reads every name.
DROP INDEX applications_name;
CREATE INDEX applications_status_name ON applications (status, name);
