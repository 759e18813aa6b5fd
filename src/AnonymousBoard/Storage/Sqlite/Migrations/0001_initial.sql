-- Boards, threads, posts and the quote graph. Times are Unix seconds, UTC.
CREATE TABLE boards (
  id                  INTEGER PRIMARY KEY,
  slug                TEXT NOT NULL UNIQUE
                      CHECK (length(slug) BETWEEN 1 AND 16 AND slug NOT GLOB '*[^a-z0-9]*'),
  title               TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 64),
  description         TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 300),
  bump_limit          INTEGER NOT NULL DEFAULT 300 CHECK (bump_limit BETWEEN 1 AND 100000),
  thread_cap          INTEGER NOT NULL DEFAULT 150 CHECK (thread_cap BETWEEN 1 AND 100000),
  threads_per_page    INTEGER NOT NULL DEFAULT 10 CHECK (threads_per_page BETWEEN 1 AND 100),
  previews_per_thread INTEGER NOT NULL DEFAULT 5 CHECK (previews_per_thread BETWEEN 0 AND 50),
  max_body_chars      INTEGER NOT NULL DEFAULT 8000 CHECK (max_body_chars BETWEEN 1 AND 100000),
  max_body_lines      INTEGER NOT NULL DEFAULT 150 CHECK (max_body_lines BETWEEN 1 AND 10000),
  max_name_chars      INTEGER NOT NULL DEFAULT 64 CHECK (max_name_chars BETWEEN 1 AND 200),
  max_subject_chars   INTEGER NOT NULL DEFAULT 120 CHECK (max_subject_chars BETWEEN 1 AND 500),
  archive_pruned      INTEGER NOT NULL DEFAULT 0 CHECK (archive_pruned IN (0, 1)),
  next_post_no        INTEGER NOT NULL DEFAULT 1 CHECK (next_post_no >= 1),
  last_post_at        INTEGER,
  created_at          INTEGER NOT NULL
);

CREATE TABLE threads (
  board_id    INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  no          INTEGER NOT NULL,           -- the opening post's number
  bumped_at   INTEGER NOT NULL,
  bump_seq    INTEGER NOT NULL,           -- tie-breaker: the post number that last bumped it
  reply_count INTEGER NOT NULL DEFAULT 0 CHECK (reply_count >= 0),
  sticky      INTEGER NOT NULL DEFAULT 0 CHECK (sticky IN (0, 1)),
  locked      INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  archived    INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
  PRIMARY KEY (board_id, no)
) WITHOUT ROWID;
CREATE INDEX threads_by_bump ON threads (board_id, archived, sticky DESC, bumped_at DESC, bump_seq DESC);

CREATE TABLE posts (
  id               INTEGER PRIMARY KEY,
  board_id         INTEGER NOT NULL,
  no               INTEGER NOT NULL CHECK (no >= 1),
  thread_no        INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  name             TEXT NOT NULL,
  subject          TEXT NOT NULL DEFAULT '',
  body             TEXT NOT NULL,
  body_html        TEXT NOT NULL,
  renderer_version INTEGER NOT NULL,
  sage             INTEGER NOT NULL DEFAULT 0 CHECK (sage IN (0, 1)),
  delete_hash      TEXT,                  -- salted hash of the self-deletion password, or NULL
  content_hash     BLOB NOT NULL,         -- finds an identical resubmit
  UNIQUE (board_id, no),
  FOREIGN KEY (board_id, thread_no) REFERENCES threads(board_id, no) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX posts_by_thread ON posts (board_id, thread_no, no);
CREATE INDEX posts_by_content ON posts (board_id, content_hash);

-- Who quotes whom (within a board, or across boards), for backlinks and re-rendering.
CREATE TABLE quotes (
  from_post INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  to_board  INTEGER NOT NULL,
  to_no     INTEGER NOT NULL,
  PRIMARY KEY (from_post, to_board, to_no)
) WITHOUT ROWID;
CREATE INDEX quotes_by_target ON quotes (to_board, to_no);
