-- The last four digits of an application number find it, as those of an
-- identity number do (migration 039): a clerk reads "尾号 0123" off a
-- receipt or a phone. Numbers never change: only inserts touch the index.
CREATE INDEX applications_no_tail ON applications (substr(no, -4));
