DROP INDEX referrals_transport_needed_by;
DROP INDEX referrals_transport_waiting;
ALTER TABLE referrals DROP COLUMN transport_late_alerted;
ALTER TABLE referrals DROP COLUMN transport_needed_by;
ALTER TABLE referrals DROP COLUMN transport_shared;
DROP TABLE transport_settings;
