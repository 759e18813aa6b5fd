-- Reading without the web page, as SQLite's 0006: the archive's dates, the JSON API's file paths,
-- and search. SQLite's FTS5 trigram table is here a pg_trgm index over the same text: it finds
-- substrings of three characters or more, in any script, and PostgreSQL keeps it in step with
-- posts itself. pg_trgm ships with PostgreSQL and is trusted: the database's owner may create it.
ALTER TABLE threads ADD COLUMN archived_at bigint;
CREATE INDEX threads_archived ON threads (board_id, archived_at DESC, no DESC) WHERE archived = 1;

CREATE INDEX posts_by_time ON posts (board_id, created_at);

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX posts_search ON posts USING gin ((subject || ' ' || body) gin_trgm_ops) WHERE hidden = 0;

-- SQLite's unixepoch(), which the shared SQL uses for a thread's archive time.
CREATE FUNCTION unixepoch() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT extract(epoch FROM now())::bigint $$;
