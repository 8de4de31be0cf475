-- Referrals: handovers between organizations, their timelines and case
-- threads, the network's answer times, and the webhook outbox.

CREATE TABLE referrals (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    status TEXT NOT NULL,
    business_status TEXT,
    priority INTEGER NOT NULL,
    referrer_org_id TEXT NOT NULL REFERENCES organizations (id),
    referrer_site_id TEXT REFERENCES sites (id),
    receiver_org_id TEXT NOT NULL REFERENCES organizations (id),
    receiver_site_id TEXT NOT NULL REFERENCES sites (id),
    assignee_user_id TEXT,
    assignee_name TEXT,
    species TEXT NOT NULL,
    patient TEXT NOT NULL,
    contact TEXT,
    reason TEXT NOT NULL,
    history TEXT,
    medications TEXT,
    allergies TEXT,
    assessment_id TEXT REFERENCES assessments (id),
    triage TEXT,
    capabilities TEXT NOT NULL,
    reject_reason TEXT,
    reject_note TEXT,
    outcome TEXT,
    outcome_by TEXT,
    outcome_at TIMESTAMP,
    transport TEXT,
    escalated_from TEXT,
    escalation_level INTEGER NOT NULL DEFAULT 0,
    cover_tried BOOLEAN NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_by_user_id TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    received_at TIMESTAMP,
    accepted_at TIMESTAMP,
    first_vet_at TIMESTAMP,
    closed_at TIMESTAMP,
    answer_due_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referrals_incoming ON referrals (receiver_org_id, closed_at, priority, created_at);
CREATE INDEX referrals_outgoing ON referrals (referrer_org_id, closed_at, priority, created_at);
CREATE INDEX referrals_case ON referrals (case_id);
CREATE INDEX referrals_answer_due ON referrals (answer_due_at);
-- At most one open referral per patient (case) per receiving organization.
CREATE UNIQUE INDEX referrals_one_open_per_receiver ON referrals (case_id, receiver_org_id)
    WHERE status IN ('draft', 'requested', 'received', 'accepted', 'in-progress', 'on-hold');

CREATE TABLE referral_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT
);
CREATE INDEX referral_events_by_referral ON referral_events (referral_id, id);

CREATE TABLE referral_messages (
    id TEXT PRIMARY KEY NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    author TEXT NOT NULL,
    author_user_id TEXT,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    body TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX referral_messages_by_referral ON referral_messages (referral_id, at);

-- The network's answer times, one row.
CREATE TABLE referral_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    answer_times TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Integrators' endpoints and the signed deliveries owed to them.
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    events TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    description TEXT,
    revoked_at TIMESTAMP
);
CREATE INDEX webhook_endpoints_by_organization ON webhook_endpoints (organization_id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    redelivery_of TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, created_at);
