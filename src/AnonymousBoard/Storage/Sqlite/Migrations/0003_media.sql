-- One image per post, stored by the SHA-256 of its re-encoded bytes (never the upload itself).
ALTER TABLE posts ADD COLUMN file_hash TEXT CHECK (file_hash IS NULL OR (length(file_hash) = 64 AND file_hash NOT GLOB '*[^0-9a-f]*'));
ALTER TABLE posts ADD COLUMN file_upload_hash TEXT;    -- SHA-256 of what was uploaded, for file bans
ALTER TABLE posts ADD COLUMN file_format TEXT CHECK (file_format IS NULL OR file_format IN ('jpeg', 'png', 'gif', 'webp'));
ALTER TABLE posts ADD COLUMN file_width INTEGER;
ALTER TABLE posts ADD COLUMN file_height INTEGER;
ALTER TABLE posts ADD COLUMN file_bytes INTEGER;
ALTER TABLE posts ADD COLUMN thumb_width INTEGER;
ALTER TABLE posts ADD COLUMN thumb_height INTEGER;
ALTER TABLE posts ADD COLUMN file_spoiler INTEGER NOT NULL DEFAULT 0 CHECK (file_spoiler IN (0, 1));
ALTER TABLE posts ADD COLUMN file_name TEXT;           -- only when the poster asked to keep it
CREATE INDEX posts_by_file ON posts (file_hash) WHERE file_hash IS NOT NULL;

ALTER TABLE boards ADD COLUMN images INTEGER NOT NULL DEFAULT 1 CHECK (images IN (0, 1));
ALTER TABLE boards ADD COLUMN image_required INTEGER NOT NULL DEFAULT 0 CHECK (image_required IN (0, 1));
ALTER TABLE boards ADD COLUMN max_image_bytes INTEGER NOT NULL DEFAULT 8388608 CHECK (max_image_bytes BETWEEN 1024 AND 67108864);
ALTER TABLE boards ADD COLUMN max_image_pixels INTEGER NOT NULL DEFAULT 40000000 CHECK (max_image_pixels BETWEEN 1 AND 200000000);
ALTER TABLE boards ADD COLUMN max_image_frames INTEGER NOT NULL DEFAULT 300 CHECK (max_image_frames BETWEEN 1 AND 10000);

-- Known-bad files, by the hash of the upload or of the re-encoded image.
CREATE TABLE file_bans (
  hash       TEXT PRIMARY KEY CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
  reason     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
