-- The directory: site listings with hours, cover, capacity, accuracy,
-- taxonomy terms and field-level history.

ALTER TABLE sites RENAME COLUMN phone TO public_phone;
ALTER TABLE sites ADD COLUMN country TEXT NOT NULL DEFAULT 'GB';
ALTER TABLE sites ADD COLUMN timezone TEXT NOT NULL DEFAULT 'Europe/London';
ALTER TABLE sites ADD COLUMN private_phone TEXT;
ALTER TABLE sites ADD COLUMN public_email TEXT;
ALTER TABLE sites ADD COLUMN referral_name TEXT;
ALTER TABLE sites ADD COLUMN referral_phone TEXT;
ALTER TABLE sites ADD COLUMN referral_email TEXT;
ALTER TABLE sites ADD COLUMN opening_hours TEXT;
ALTER TABLE sites ADD COLUMN cover_site_id TEXT REFERENCES sites (id) ON DELETE SET NULL;
ALTER TABLE sites ADD COLUMN cover_name TEXT;
ALTER TABLE sites ADD COLUMN cover_phone TEXT;
ALTER TABLE sites ADD COLUMN max_weight_grams INTEGER;
ALTER TABLE sites ADD COLUMN no_wildlife BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN referral_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN deposit_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sites ADD COLUMN limitation_notes TEXT;
ALTER TABLE sites ADD COLUMN capacity TEXT CHECK (capacity IN ('normal', 'full', 'closed'));
ALTER TABLE sites ADD COLUMN capacity_expires_at TIMESTAMP;
ALTER TABLE sites ADD COLUMN capacity_declared_at TIMESTAMP;
ALTER TABLE sites ADD COLUMN capacity_declared_by TEXT;
ALTER TABLE sites ADD COLUMN assured_at TIMESTAMP;
ALTER TABLE sites ADD COLUMN assured_by TEXT;
ALTER TABLE sites ADD COLUMN next_audit_due TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE sites SET next_audit_due = created_at;
CREATE INDEX sites_by_audit_due ON sites (next_audit_due);

-- The vocabularies: capabilities and species. Seeded by the server at start.
CREATE TABLE taxonomy_terms (
    taxonomy TEXT NOT NULL CHECK (taxonomy IN ('capability', 'species')),
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (taxonomy, code)
);

CREATE TABLE site_terms (
    site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    taxonomy TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (site_id, taxonomy, code),
    FOREIGN KEY (taxonomy, code) REFERENCES taxonomy_terms (taxonomy, code)
);

-- Field-level history of every listing (HSDS metadata).
CREATE TABLE site_changes (
    id BIGSERIAL PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    actor_user_id TEXT,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX site_changes_by_site ON site_changes (site_id, id);

-- One row counting directory changes, so every replica knows when to reload
-- its in-memory directory.
CREATE TABLE directory_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL
);
INSERT INTO directory_state (id, revision) VALUES (1, 1);
