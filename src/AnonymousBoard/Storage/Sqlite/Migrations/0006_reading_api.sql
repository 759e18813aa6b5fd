-- Reading without the web page: the archive's dates, the JSON API's file paths, full-text search.

-- When a thread was archived (archive.json, the archive page, `archived_on`); NULL for threads
-- archived before this column existed, which then show their last bump instead.
ALTER TABLE threads ADD COLUMN archived_at INTEGER;
CREATE INDEX threads_archived ON threads (board_id, archived_at DESC, no DESC) WHERE archived = 1;

-- The JSON API names a post's file by `tim` (its time in milliseconds and the last three digits of
-- its number, see Api/FourChanJson.cs); this finds the post again from it.
CREATE INDEX posts_by_time ON posts (board_id, created_at);

-- Full-text search over what readers see: subject and source text of every post that is not hidden
-- (a held post is hidden until staff release it). The trigram tokenizer indexes every run of three
-- characters, so words are found in scripts without spaces (Japanese, Chinese) as in any other, and
-- a word matches inside longer ones. External content: the text lives once, in posts; snippets are
-- read from there. The triggers keep the index in the same transaction as the write that changes a
-- post, whichever feature writes it (posting, self-deletion, pruning, every moderation action), so
-- no path can forget it. The 'delete' command needs the values that were indexed, which OLD holds.
CREATE VIRTUAL TABLE post_search USING fts5(subject, body, content='posts', content_rowid='id', tokenize='trigram');
INSERT INTO post_search (rowid, subject, body) SELECT id, subject, body FROM posts WHERE hidden = 0;

CREATE TRIGGER post_search_insert AFTER INSERT ON posts WHEN NEW.hidden = 0
BEGIN
  INSERT INTO post_search (rowid, subject, body) VALUES (NEW.id, NEW.subject, NEW.body);
END;

CREATE TRIGGER post_search_delete AFTER DELETE ON posts WHEN OLD.hidden = 0
BEGIN
  INSERT INTO post_search (post_search, rowid, subject, body) VALUES ('delete', OLD.id, OLD.subject, OLD.body);
END;

-- One trigger, so the old text always leaves the index before the new text enters it.
CREATE TRIGGER post_search_update AFTER UPDATE OF hidden, subject, body ON posts
BEGIN
  INSERT INTO post_search (post_search, rowid, subject, body) SELECT 'delete', OLD.id, OLD.subject, OLD.body WHERE OLD.hidden = 0;
  INSERT INTO post_search (rowid, subject, body) SELECT NEW.id, NEW.subject, NEW.body WHERE NEW.hidden = 0;
END;
