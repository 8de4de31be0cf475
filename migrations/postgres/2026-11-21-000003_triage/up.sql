-- Triage: the network's protocol versions and recorded assessments.

CREATE TABLE triage_protocols (
    version INTEGER PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    changes TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    assessed_by TEXT NOT NULL,
    assessed_by_user_id TEXT,
    assessed_at TIMESTAMP NOT NULL,
    species TEXT NOT NULL,
    patient TEXT,
    answers TEXT NOT NULL,
    result TEXT NOT NULL,
    protocol_version INTEGER NOT NULL REFERENCES triage_protocols (version),
    tier INTEGER NOT NULL,
    destinations TEXT NOT NULL,
    variant_site_id TEXT
);
CREATE INDEX assessments_by_organization ON assessments (organization_id, id);

-- A site's own interventions, adapted to its kit.
CREATE TABLE site_triage_variants (
    site_id TEXT PRIMARY KEY NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
