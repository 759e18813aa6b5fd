-- Optional continuity: tripcodes and signed pseudonyms. Keys and passphrases are never stored.
ALTER TABLE posts ADD COLUMN tripcode text CHECK (tripcode IS NULL OR tripcode LIKE '!%');
ALTER TABLE posts ADD COLUMN pseudonym text;
ALTER TABLE posts ADD COLUMN public_key bytea CHECK (public_key IS NULL OR length(public_key) = 32);
ALTER TABLE posts ADD COLUMN signature text;
ALTER TABLE posts ADD COLUMN signed_message text;
CREATE INDEX posts_by_pseudonym ON posts (pseudonym, created_at) WHERE pseudonym IS NOT NULL;
CREATE UNIQUE INDEX posts_signature_once ON posts (signature) WHERE signature IS NOT NULL;
