-- Browsers and desks are served a display-size rendition of a large scan
-- (at most 2000 pixels a side, JPEG); the original is kept and served on
-- request. '' when the original is no larger.
ALTER TABLE attachments ADD COLUMN display_sha256 TEXT NOT NULL DEFAULT '';
CREATE INDEX attachments_display ON attachments (display_sha256) WHERE display_sha256 <> '';
