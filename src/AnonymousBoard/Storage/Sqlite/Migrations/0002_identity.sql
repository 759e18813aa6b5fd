-- Optional continuity: tripcodes and signed pseudonyms. Keys and passphrases are never stored.
ALTER TABLE posts ADD COLUMN tripcode TEXT CHECK (tripcode IS NULL OR tripcode GLOB '!*');
ALTER TABLE posts ADD COLUMN pseudonym TEXT;           -- fingerprint of public_key
ALTER TABLE posts ADD COLUMN public_key BLOB CHECK (public_key IS NULL OR length(public_key) = 32);
ALTER TABLE posts ADD COLUMN signature TEXT;           -- armored SSHSIG over signed_message
ALTER TABLE posts ADD COLUMN signed_message TEXT;
CREATE INDEX posts_by_pseudonym ON posts (pseudonym, created_at) WHERE pseudonym IS NOT NULL;
-- A published signature cannot be posted a second time by whoever copies it.
CREATE UNIQUE INDEX posts_signature_once ON posts (signature) WHERE signature IS NOT NULL;
