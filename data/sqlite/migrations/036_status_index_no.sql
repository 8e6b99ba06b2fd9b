-- The queue and status indexes gain the application number, the queues'
-- second sort key, so that a list over several statuses (the counter's
-- three, or every status for a one-character name search) merges its
-- statuses' first pages from an index alone and reads the rows of only the
-- page it shows. Both gain it: with it on only one, SQLite would walk that
-- one for a point's queue, the order complete, and read every row of the
-- status over all points to test the point.
DROP INDEX applications_queue;
CREATE INDEX applications_queue ON applications (liaison_point_id, status, submitted_at, no);
DROP INDEX applications_status;
CREATE INDEX applications_status ON applications (status, submitted_at, no, name);
