-- Specialists and consult requests: a clinician's
-- expertise (species, disciplines), weekly consult availability and whether
-- they accept consults; and consults asked of them from a referral's case.

CREATE TABLE specialist_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- Species codes of the directory's vocabulary, as a JSON array.
    species TEXT NOT NULL,
    -- Discipline codes, as a JSON array.
    disciplines TEXT NOT NULL,
    summary TEXT,
    -- Weekly slots, as a JSON array of {day, from, to}.
    availability TEXT NOT NULL,
    accepting_consults BOOLEAN NOT NULL DEFAULT FALSE,
    rotation_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Also the ETag.
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX specialist_profiles_by_organization ON specialist_profiles (organization_id);

-- The current profile's species and disciplines, for filtering.
CREATE TABLE specialist_tags (
    user_id TEXT NOT NULL REFERENCES specialist_profiles (user_id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, code)
);
CREATE INDEX specialist_tags_by_code ON specialist_tags (kind, code);

CREATE TABLE consults (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    specialist_user_id TEXT NOT NULL REFERENCES users (id),
    specialist_name TEXT NOT NULL,
    specialist_organization_id TEXT NOT NULL REFERENCES organizations (id),
    requester_organization_id TEXT NOT NULL REFERENCES organizations (id),
    requester_user_id TEXT,
    requester_name TEXT NOT NULL,
    question TEXT NOT NULL,
    status TEXT NOT NULL,
    answer TEXT,
    decline_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT consults_status CHECK (status IN ('requested', 'answered', 'declined', 'cancelled'))
);
CREATE INDEX consults_by_specialist ON consults (specialist_user_id, created_at);
CREATE INDEX consults_by_referral ON consults (referral_id, created_at);
