-- Lending: the kit library (items, maintenance plans and records) and its
-- reservations and loans with their timelines.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE items (
    id TEXT PRIMARY KEY NOT NULL,
    owner_org_id TEXT NOT NULL REFERENCES organizations (id),
    home_site_id TEXT NOT NULL REFERENCES sites (id),
    category TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    suitability TEXT NOT NULL,
    condition TEXT NOT NULL,
    status TEXT NOT NULL,
    terms_text TEXT NOT NULL,
    terms_version INTEGER NOT NULL,
    max_loan_days INTEGER NOT NULL,
    auto_approve BOOLEAN NOT NULL DEFAULT FALSE,
    last_returned_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX items_by_owner ON items (owner_org_id, name);
CREATE INDEX items_by_category ON items (category);

CREATE TABLE maintenance_plans (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id),
    kind TEXT NOT NULL,
    -- NULL: after each loan.
    interval_days INTEGER,
    blocking BOOLEAN NOT NULL,
    last_done_at TIMESTAMP,
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX maintenance_plans_by_item ON maintenance_plans (item_id);

CREATE TABLE maintenance_records (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES maintenance_plans (id),
    item_id TEXT NOT NULL REFERENCES items (id),
    done_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    note TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX maintenance_records_by_plan ON maintenance_records (plan_id, done_at);

CREATE TABLE reservations (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id),
    owner_org_id TEXT NOT NULL REFERENCES organizations (id),
    borrower_org_id TEXT NOT NULL REFERENCES organizations (id),
    borrower_site_id TEXT REFERENCES sites (id),
    requested_by TEXT NOT NULL,
    requested_by_user_id TEXT,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    tier INTEGER NOT NULL,
    assessment_id TEXT,
    referral_id TEXT,
    justification TEXT,
    decision TEXT NOT NULL,
    decision_reason TEXT NOT NULL,
    displaced_by TEXT,
    offered_starts_at TIMESTAMP,
    offered_ends_at TIMESTAMP,
    cancel_reason TEXT,
    decline_reason TEXT,
    note TEXT,
    terms_version INTEGER,
    terms_accepted_by TEXT,
    terms_accepted_at TIMESTAMP,
    checkout_report TEXT,
    checked_out_at TIMESTAMP,
    return_report TEXT,
    returned_at TIMESTAMP,
    requested_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT reservations_window CHECK (ends_at > starts_at),
    -- No two blocking reservations of one item overlap (half-open windows).
    CONSTRAINT reservations_no_overlap EXCLUDE USING gist (
        item_id WITH =,
        tsrange(starts_at, ends_at, '[)') WITH &&
    ) WHERE (status IN ('reserved', 'active', 'overdue'))
);
CREATE INDEX reservations_by_item ON reservations (item_id, starts_at);
CREATE INDEX reservations_by_borrower ON reservations (borrower_org_id, requested_at);
CREATE INDEX reservations_by_owner ON reservations (owner_org_id, requested_at);
CREATE INDEX reservations_active_end ON reservations (status, ends_at);

CREATE TABLE reservation_events (
    id BIGSERIAL PRIMARY KEY,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT
);
CREATE INDEX reservation_events_by_reservation ON reservation_events (reservation_id, id);
