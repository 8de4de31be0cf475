-- The patient record that travels with an animal between the organizations
-- that hold it (see warren_domain::care for the rules).
--
-- A record belongs to the animal, not to one case: every referral that
-- carries the animal names it (referrals.record_id). patient_holders keeps
-- who held the animal and when; the holder now is the row with no "until".
-- The organizations with a row read the record, only the holder now writes.
-- identifiers is a JSON list of {kind, value}. stage and stage_at repeat the
-- last care_stages row, for lists; follow_up_due is the next post-release
-- follow-up.

CREATE TABLE patient_records (
    id TEXT PRIMARY KEY NOT NULL,
    species TEXT NOT NULL,
    name TEXT NOT NULL,
    sex TEXT NOT NULL,
    age_class TEXT NOT NULL,
    identifiers TEXT NOT NULL,
    stage TEXT NOT NULL,
    stage_at TIMESTAMP NOT NULL,
    follow_up_due DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL
);

ALTER TABLE referrals ADD COLUMN record_id TEXT REFERENCES patient_records (id);
CREATE INDEX referrals_by_record ON referrals (record_id);

CREATE TABLE patient_holders (
    record_id TEXT NOT NULL REFERENCES patient_records (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    since TIMESTAMP NOT NULL,
    until TIMESTAMP,
    PRIMARY KEY (record_id, organization_id, since)
);
CREATE INDEX patient_holders_by_organization ON patient_holders (organization_id, until);

-- One entry: details is the JSON of warren_domain::care::EntryDetails,
-- kind repeats its tag for queries. author is the person's display name.
CREATE TABLE patient_entries (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES patient_records (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    author TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    details TEXT NOT NULL,
    resolved_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX patient_entries_by_record ON patient_entries (record_id, at);

CREATE TABLE care_stages (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES patient_records (id),
    stage TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    author TEXT NOT NULL,
    note TEXT,
    override_reason TEXT
);
CREATE INDEX care_stages_by_record ON care_stages (record_id, at);

-- A record's rehabilitation plan (at most one) and its items: milestones
-- (with an optional target day) and release criteria, in order.
CREATE TABLE rehab_plans (
    record_id TEXT PRIMARY KEY NOT NULL REFERENCES patient_records (id),
    title TEXT NOT NULL,
    started_on DATE NOT NULL,
    milestone_article_id TEXT,
    criteria_article_id TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE plan_items (
    id TEXT PRIMARY KEY NOT NULL,
    record_id TEXT NOT NULL REFERENCES rehab_plans (record_id),
    kind TEXT NOT NULL,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    target_day INTEGER,
    met_on DATE,
    note TEXT,
    met_by TEXT
);
CREATE INDEX plan_items_by_record ON plan_items (record_id, kind, position);
