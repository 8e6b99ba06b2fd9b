-- The statistics by period find a period's decisions by their time.
CREATE INDEX decisions_at ON decisions (at);
