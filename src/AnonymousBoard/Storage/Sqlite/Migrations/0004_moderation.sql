-- Moderation: staff and their sessions, the public log, reports, bans and appeals, filters,
-- per-board moderation settings, thread moves. Times are Unix seconds, UTC.

-- A removed member keeps the row with name and password cleared: the handle stays taken, so nobody
-- can later act under a handle the log already attributes to someone else.
CREATE TABLE staff (
  id            INTEGER PRIMARY KEY,
  name          TEXT UNIQUE CHECK (name IS NULL OR (length(name) BETWEEN 1 AND 32 AND name NOT GLOB '*[^a-z0-9_.-]*')),
  handle        TEXT NOT NULL UNIQUE CHECK (length(handle) BETWEEN 1 AND 32),
  role          TEXT NOT NULL CHECK (role IN ('admin', 'moderator', 'janitor')),
  global        INTEGER NOT NULL DEFAULT 0 CHECK (global IN (0, 1)),
  password_hash TEXT CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
  created_at    INTEGER NOT NULL,
  removed_at    INTEGER,
  CHECK (removed_at IS NOT NULL OR (name IS NOT NULL AND password_hash IS NOT NULL))
);

-- The boards a moderator or janitor without `global` may act on.
CREATE TABLE staff_boards (
  staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  board_id INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  PRIMARY KEY (staff_id, board_id)
) WITHOUT ROWID;

-- Only a hash of the session cookie is stored: a copy of the database signs nobody in.
CREATE TABLE staff_sessions (
  token_hash BLOB PRIMARY KEY,
  staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  seen_at    INTEGER NOT NULL
);

-- The public moderation log: a hash chain, each entry signed with the board's log key.
CREATE TABLE modlog (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL CHECK (length(actor) >= 1),
  action    TEXT NOT NULL CHECK (length(action) >= 1),
  target    TEXT NOT NULL,
  text_hash TEXT NOT NULL,              -- SHA-256 of the post's text, hex; '' when not about a post
  reason    TEXT NOT NULL CHECK (length(trim(reason)) >= 1),
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash      TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
  signature TEXT NOT NULL CHECK (length(signature) = 128)
);
-- Not even an admin edits history: the schema itself refuses. (Whoever holds the file can drop
-- these triggers; what others have archived is what catches that. See README "Moderation".)
CREATE TRIGGER modlog_no_update BEFORE UPDATE ON modlog
BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only: entries cannot be changed'); END;
CREATE TRIGGER modlog_no_delete BEFORE DELETE ON modlog
BEGIN SELECT RAISE(ABORT, 'the moderation log is append-only: entries cannot be deleted'); END;
CREATE TRIGGER modlog_chain BEFORE INSERT ON modlog
WHEN NEW.seq IS NOT coalesce((SELECT max(seq) FROM modlog), 0) + 1
  OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM modlog ORDER BY seq DESC LIMIT 1),
                                   '0000000000000000000000000000000000000000000000000000000000000000')
BEGIN SELECT RAISE(ABORT, 'a moderation log entry must follow the last one'); END;

-- Staff marks on posts and threads.
ALTER TABLE posts ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));       -- pending review
ALTER TABLE posts ADD COLUMN banned_mark INTEGER NOT NULL DEFAULT 0 CHECK (banned_mark IN (0, 1)); -- "USER WAS BANNED FOR THIS POST"
ALTER TABLE threads ADD COLUMN bump_locked INTEGER NOT NULL DEFAULT 0 CHECK (bump_locked IN (0, 1)); -- autosage

-- Reports come from anyone; nothing about the reporter is kept.
CREATE TABLE reports (
  id         INTEGER PRIMARY KEY,
  post_id    INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
  category   TEXT NOT NULL CHECK (category IN ('illegal', 'spam', 'offtopic', 'rules', 'other')),
  detail     TEXT NOT NULL DEFAULT '' CHECK (length(detail) <= 500),
  created_at INTEGER NOT NULL
);
CREATE INDEX reports_by_post ON reports (post_id);

-- A post staff have looked at and kept: reports after that no longer hide it automatically.
CREATE TABLE reviewed_posts (
  post_id     INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
  reviewed_at INTEGER NOT NULL
);

-- Bans name what the posting path can see: never an IP address.
CREATE TABLE bans (
  id         INTEGER PRIMARY KEY,
  board_id   INTEGER REFERENCES boards(id) ON DELETE CASCADE,   -- NULL: every board
  kind       TEXT NOT NULL CHECK (kind IN ('tripcode', 'pseudonym', 'circuit', 'file', 'text')),
  value      TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
  reason     TEXT NOT NULL CHECK (length(trim(reason)) >= 1 AND length(reason) <= 500),
  created_at INTEGER NOT NULL,
  expires_at INTEGER CHECK (expires_at IS NULL OR expires_at > created_at),  -- NULL: never
  created_by INTEGER REFERENCES staff(id),
  lifted_at  INTEGER,
  -- A circuit is one visitor for minutes or hours, then someone else's: such bans are short.
  CHECK (kind <> 'circuit' OR (expires_at IS NOT NULL AND expires_at - created_at <= 6 * 3600))
);
CREATE INDEX bans_active ON bans (lifted_at, expires_at);

CREATE TABLE ban_appeals (
  ban_id      INTEGER PRIMARY KEY REFERENCES bans(id) ON DELETE CASCADE,  -- one appeal per ban
  text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  created_at  INTEGER NOT NULL,
  answer      TEXT CHECK (answer IS NULL OR length(answer) <= 2000),
  answered_at INTEGER,
  answered_by INTEGER REFERENCES staff(id),
  granted     INTEGER CHECK (granted IN (0, 1))
);

CREATE TABLE filters (
  id          INTEGER PRIMARY KEY,
  board_id    INTEGER REFERENCES boards(id) ON DELETE CASCADE,  -- NULL: every board
  pattern     TEXT NOT NULL CHECK (length(pattern) BETWEEN 1 AND 500),
  is_regex    INTEGER NOT NULL CHECK (is_regex IN (0, 1)),
  action      TEXT NOT NULL CHECK (action IN ('reject', 'replace', 'hold')),
  replacement TEXT NOT NULL DEFAULT '' CHECK (length(replacement) <= 200),
  created_at  INTEGER NOT NULL
);

CREATE TABLE board_policies (
  board_id          INTEGER PRIMARY KEY REFERENCES boards(id) ON DELETE CASCADE,
  rules             TEXT NOT NULL DEFAULT '' CHECK (length(rules) <= 4000),
  auto_hide_reports INTEGER NOT NULL DEFAULT 0 CHECK (auto_hide_reports BETWEEN 0 AND 1000)  -- 0: never
);

-- What the posting path knows about who posted, for bans and "delete everything by ...".
-- Circuit ids are forgotten after a few hours (see SqliteModerationStore.ForgetOldCircuits).
CREATE TABLE post_identities (
  post_id    INTEGER PRIMARY KEY REFERENCES posts(id) ON DELETE CASCADE,
  tripcode   TEXT,
  pseudonym  TEXT,
  circuit    TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX post_identities_by_tripcode ON post_identities (tripcode) WHERE tripcode IS NOT NULL;
CREATE INDEX post_identities_by_pseudonym ON post_identities (pseudonym) WHERE pseudonym IS NOT NULL;
CREATE INDEX post_identities_by_circuit ON post_identities (circuit) WHERE circuit IS NOT NULL;

-- Where a moved thread's posts went, so old links and quotes still lead to them.
CREATE TABLE post_moves (
  from_board INTEGER NOT NULL,
  from_no    INTEGER NOT NULL,
  to_board   INTEGER NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
  to_no      INTEGER NOT NULL,
  PRIMARY KEY (from_board, from_no)
) WITHOUT ROWID;
