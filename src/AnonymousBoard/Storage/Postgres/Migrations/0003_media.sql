-- One image per post, stored by the SHA-256 of its re-encoded bytes (never the upload itself).
ALTER TABLE posts ADD COLUMN file_hash text CHECK (file_hash IS NULL OR file_hash ~ '^[0-9a-f]{64}$');
ALTER TABLE posts ADD COLUMN file_upload_hash text;
ALTER TABLE posts ADD COLUMN file_format text CHECK (file_format IS NULL OR file_format IN ('jpeg', 'png', 'gif', 'webp'));
ALTER TABLE posts ADD COLUMN file_width bigint;
ALTER TABLE posts ADD COLUMN file_height bigint;
ALTER TABLE posts ADD COLUMN file_bytes bigint;
ALTER TABLE posts ADD COLUMN thumb_width bigint;
ALTER TABLE posts ADD COLUMN thumb_height bigint;
ALTER TABLE posts ADD COLUMN file_spoiler bigint NOT NULL DEFAULT 0 CHECK (file_spoiler IN (0, 1));
ALTER TABLE posts ADD COLUMN file_name text;
CREATE INDEX posts_by_file ON posts (file_hash) WHERE file_hash IS NOT NULL;

ALTER TABLE boards ADD COLUMN images bigint NOT NULL DEFAULT 1 CHECK (images IN (0, 1));
ALTER TABLE boards ADD COLUMN image_required bigint NOT NULL DEFAULT 0 CHECK (image_required IN (0, 1));
ALTER TABLE boards ADD COLUMN max_image_bytes bigint NOT NULL DEFAULT 8388608 CHECK (max_image_bytes BETWEEN 1024 AND 67108864);
ALTER TABLE boards ADD COLUMN max_image_pixels bigint NOT NULL DEFAULT 40000000 CHECK (max_image_pixels BETWEEN 1 AND 200000000);
ALTER TABLE boards ADD COLUMN max_image_frames bigint NOT NULL DEFAULT 300 CHECK (max_image_frames BETWEEN 1 AND 10000);

CREATE TABLE file_bans (
  hash       text PRIMARY KEY CHECK (hash ~ '^[0-9a-f]{64}$'),
  reason     text NOT NULL DEFAULT '',
  created_at bigint NOT NULL
);
