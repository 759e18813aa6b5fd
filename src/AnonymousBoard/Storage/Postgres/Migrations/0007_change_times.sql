-- As SQLite's 0007: when what readers see of a thread, and of a board, last changed, in milliseconds
-- since 1970 (UTC), stamped in the same transaction as each change (SqlUnitOfWork.StampChanges) and
-- given as Last-Modified and 4chan's `last_modified`. The upgrade counts as the change.
ALTER TABLE threads ADD COLUMN changed_at bigint NOT NULL DEFAULT 0 CHECK (changed_at >= 0);
ALTER TABLE boards ADD COLUMN changed_at bigint NOT NULL DEFAULT 0 CHECK (changed_at >= 0);
UPDATE threads SET changed_at = unixepoch() * 1000;
UPDATE boards SET changed_at = unixepoch() * 1000;
