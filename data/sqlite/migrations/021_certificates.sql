-- The 证书登记簿 is searched by certificate number; only certified
-- applications have one, so the index stays small.
CREATE INDEX applications_certificate ON applications (certificate_no) WHERE certificate_no IS NOT NULL;
