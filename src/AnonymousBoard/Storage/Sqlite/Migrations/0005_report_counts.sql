-- Reports that count toward hiding a post by themselves. One sent while reports are flooding, or a
-- second one on the same post from the same tor circuit, is kept for staff but does not count.
ALTER TABLE reports ADD COLUMN counts INTEGER NOT NULL DEFAULT 1 CHECK (counts IN (0, 1));
