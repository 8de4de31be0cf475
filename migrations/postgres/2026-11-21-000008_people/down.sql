DROP INDEX referrals_transport_driver;
DROP INDEX referrals_transport_unassigned;
ALTER TABLE referrals DROP COLUMN transport_driver_id, DROP COLUMN transport_status;
DROP TABLE foster_placements;
DROP TABLE volunteer_profiles;
