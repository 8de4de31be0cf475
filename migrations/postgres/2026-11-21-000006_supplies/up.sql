-- Surplus supplies: consumables an organization offers to the network, and
-- other organizations' requests for part of them.

CREATE TABLE supply_offers (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    pickup_site_id TEXT NOT NULL REFERENCES sites (id),
    item TEXT NOT NULL,
    description TEXT,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    -- What is left to give: never below zero, never above what was offered,
    -- whatever concurrent fulfilments do.
    remaining INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= quantity),
    unit TEXT NOT NULL,
    expires_on DATE,
    created_by TEXT NOT NULL,
    created_by_user_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX supply_offers_board ON supply_offers (withdrawn_at, expires_on);
CREATE INDEX supply_offers_by_organization ON supply_offers (organization_id, created_at);

CREATE TABLE supply_requests (
    id TEXT PRIMARY KEY NOT NULL,
    offer_id TEXT NOT NULL REFERENCES supply_offers (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    fulfilled INTEGER NOT NULL DEFAULT 0 CHECK (fulfilled >= 0 AND fulfilled <= quantity),
    priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
    note TEXT,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_by_user_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX supply_requests_queue ON supply_requests (offer_id, status, priority, created_at);
CREATE INDEX supply_requests_by_organization ON supply_requests (organization_id, created_at);
