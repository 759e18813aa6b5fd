-- When what readers see of a thread, and of a board, last changed: milliseconds since 1970, UTC. The
-- JSON API and the feeds give it as Last-Modified (in whole seconds) and as 4chan's `last_modified`,
-- so it must outlive the process. Set in the same transaction as every change that touches a thread
-- (UnitOfWork.StampChanges): the clock's time, or one past the previous time if the clock has not
-- moved on, so a later change always has a later time. A board's time moves with each of its threads
-- (a thread pruned or deleted leaves no row of its own) and with its settings.
ALTER TABLE threads ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0 CHECK (changed_at >= 0);
ALTER TABLE boards ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0 CHECK (changed_at >= 0);

-- What happened before this column existed is not known (a hidden reply leaves no time behind): the
-- upgrade counts as the change, so every client fetches each document once more and misses nothing.
UPDATE threads SET changed_at = unixepoch() * 1000;
UPDATE boards SET changed_at = unixepoch() * 1000;
