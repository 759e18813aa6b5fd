-- Reports that count toward hiding a post by themselves (see SQLite's 0005).
ALTER TABLE reports ADD COLUMN counts bigint NOT NULL DEFAULT 1 CHECK (counts IN (0, 1));
