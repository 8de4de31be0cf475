ALTER TABLE referrals DROP COLUMN contact_erased_at;
DROP TABLE privacy_settings;
