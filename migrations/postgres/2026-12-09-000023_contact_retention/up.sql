-- How long the owner's or finder's contact is kept once a case is closed
-- (one row once a network admin sets it; 90 days until then), and when a
-- referral's contact was erased — by that rule, or on request.
CREATE TABLE privacy_settings (
    id INTEGER PRIMARY KEY,
    contact_retention_days INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE referrals ADD COLUMN contact_erased_at TIMESTAMP;
