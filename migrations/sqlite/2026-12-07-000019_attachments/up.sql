-- Files on a case: photos, radiographs, documents and short videos attached
-- to a referral, to a message of its case thread or to a consult.
--
-- The bytes live in the object store (a folder under the data directory, or
-- an S3-compatible bucket), named by the SHA-256 of what is stored:
-- `files/<sha256>` for the file, and for an image its thumbnail under
-- `thumbnail_sha256`. Two rows may name the same object (the same file sent
-- twice); an object no row names is removed by the sweep once it is an hour
-- old, so a file whose row was never written (or was removed) does not stay.
--
-- media_type is decided from the content; kind follows from it.
-- organization_id is the organization the uploader acted for.

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    message_id TEXT REFERENCES referral_messages (id),
    consult_id TEXT REFERENCES consults (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    uploaded_by TEXT NOT NULL,
    uploaded_by_user_id TEXT,
    caption TEXT,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    thumbnail_sha256 TEXT,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT attachments_kind CHECK (kind IN ('image', 'pdf', 'video')),
    CONSTRAINT attachments_one_parent CHECK (message_id IS NULL OR consult_id IS NULL)
);
CREATE INDEX attachments_by_referral ON attachments (referral_id, created_at);
CREATE INDEX attachments_by_consult ON attachments (consult_id, created_at);
CREATE INDEX attachments_by_object ON attachments (sha256);
CREATE INDEX attachments_by_thumbnail ON attachments (thumbnail_sha256);
