-- Status links: what a referring clinic gives an owner or finder to follow
-- a case without an account, and the updates the clinics share with them.
--
-- A link follows the case (case_id), not one request of it. Only the
-- SHA-256 of its token is kept (token_hash), so the database alone cannot
-- open a link. label says who it was given to (for the clinic's eyes only);
-- what_to_bring is shown on the page; share_updates and share_outcome say
-- what the clinic chose to share. A revoked link stops at once.

CREATE TABLE status_links (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT,
    what_to_bring TEXT,
    share_updates BOOLEAN NOT NULL,
    share_outcome BOOLEAN NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX status_links_by_case ON status_links (case_id, created_at);

CREATE TABLE status_updates (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    body TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX status_updates_by_case ON status_updates (case_id, at);
