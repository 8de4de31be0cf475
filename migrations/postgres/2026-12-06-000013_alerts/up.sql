-- Alerts that reach people.
--
-- - on_call_rotas: who at a site is reachable for urgent work when — weekly
--   shifts in OpenStreetMap opening_hours syntax (the site's timezone and
--   holidays) in chain order, and one-off overrides that put a person first
--   for a while.
-- - alert_settings: the network's acknowledge time per urgent tier.
-- - alert_chains: one per urgent alert; it alerts the next person on call,
--   then the organization's admins, each time the acknowledge time runs out,
--   until someone acknowledges. Claimed with a lease, like webhook deliveries,
--   so only one replica moves a chain a step.
-- - alerts: the in-app inbox, one row per recipient; a recipient outside
--   Warren (a site's referral address) has an e-mail address and no user.
-- - alert_preferences: each person's choice per kind of alert (immediately,
--   in a daily digest, in the inbox only), quiet hours and digest hour.
-- - outbox_messages: what is owed to a channel (e-mail today), written in
--   the transaction of the change that causes it and sent by one replica,
--   with backoff; each has one Message-ID for all its attempts.
-- - account_tokens: single-use password-reset and e-mail-confirmation
--   tokens, stored as digests.

ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
-- Accounts made before e-mail confirmation existed were invited or created
-- by an operator: their addresses count as confirmed.
UPDATE users SET email_confirmed_at = created_at;

CREATE TABLE on_call_rotas (
    site_id TEXT PRIMARY KEY NOT NULL REFERENCES sites (id),
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    -- JSON array of {"user_id", "hours"}, in chain order.
    shifts TEXT NOT NULL,
    -- JSON array of {"id", "user_id", "starts_at", "ends_at", "note"}.
    overrides TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX on_call_rotas_by_organization ON on_call_rotas (organization_id);

CREATE TABLE alert_settings (
    id INTEGER PRIMARY KEY NOT NULL,
    acknowledge_times TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE alert_chains (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    site_id TEXT,
    first_user_id TEXT,
    referral_id TEXT,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    tier INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    step INTEGER NOT NULL,
    next_step_at TIMESTAMP,
    claimed_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by_user_id TEXT,
    acknowledged_by TEXT,
    acknowledged_via TEXT,
    exhausted_at TIMESTAMP,
    closed_at TIMESTAMP,
    closed_reason TEXT,
    CONSTRAINT alert_chains_once UNIQUE (subject_type, subject_id, kind)
);
CREATE INDEX alert_chains_due ON alert_chains (next_step_at);
CREATE INDEX alert_chains_by_organization ON alert_chains (organization_id, created_at);
CREATE INDEX alert_chains_by_referral ON alert_chains (referral_id);

CREATE TABLE alerts (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT REFERENCES users (id),
    recipient_name TEXT NOT NULL,
    email TEXT,
    organization_id TEXT,
    kind TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    subject_type TEXT,
    subject_id TEXT,
    referral_id TEXT,
    chain_id TEXT REFERENCES alert_chains (id),
    chain_step INTEGER,
    dedupe_key TEXT,
    delivery TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    acknowledged_at TIMESTAMP,
    ack_token_hash TEXT,
    ack_token_used_at TIMESTAMP,
    digested_at TIMESTAMP,
    CONSTRAINT alerts_delivery CHECK (delivery IN ('immediate', 'digest', 'inbox_only'))
);
CREATE INDEX alerts_inbox ON alerts (user_id, id);
CREATE INDEX alerts_unread ON alerts (user_id, read_at);
CREATE INDEX alerts_by_chain ON alerts (chain_id);
CREATE INDEX alerts_digest_pending ON alerts (delivery, digested_at);
CREATE UNIQUE INDEX alerts_once ON alerts (user_id, dedupe_key);
CREATE UNIQUE INDEX alerts_ack_token ON alerts (ack_token_hash);

CREATE TABLE alert_preferences (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    -- JSON object of kind -> "immediate" | "digest" | "inbox_only".
    modes TEXT NOT NULL,
    quiet_hours TEXT,
    timezone TEXT NOT NULL,
    digest_hour INTEGER NOT NULL CHECK (digest_hour BETWEEN 0 AND 23),
    last_digest_on DATE,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    alert_id TEXT REFERENCES alerts (id),
    user_id TEXT REFERENCES users (id),
    address TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    unsubscribe_url TEXT,
    -- The path in Warren of what an alert e-mail is about.
    link TEXT,
    -- The body holds a secret link: it is blanked once sent.
    secret BOOLEAN NOT NULL,
    urgent BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CONSTRAINT outbox_messages_state CHECK (state IN ('pending', 'retrying', 'sent', 'failed'))
);
CREATE INDEX outbox_messages_due ON outbox_messages (state, next_attempt_at);
CREATE INDEX outbox_messages_by_alert ON outbox_messages (alert_id);

CREATE TABLE account_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    CONSTRAINT account_tokens_purpose CHECK (purpose IN ('password_reset', 'email_confirmation'))
);
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);

-- The day a referral's follow-up is due (from its outcome), so the sweep
-- that alerts the referrer reads an index rather than every outcome.
ALTER TABLE referrals ADD COLUMN follow_up_due DATE;
CREATE INDEX referrals_follow_up_due ON referrals (follow_up_due);
