-- Transport legs shared with the network's volunteers. The network's
-- setting (one row once a network admin sets it; on until then); per leg,
-- whether the referrer shared it, when a driver is needed by, and whether
-- the referrer's side was already told nobody took it (claimed once, by
-- one replica).
CREATE TABLE transport_settings (
    id INTEGER PRIMARY KEY,
    share_with_network BOOLEAN NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
ALTER TABLE referrals ADD COLUMN transport_shared BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE referrals ADD COLUMN transport_needed_by TIMESTAMP;
ALTER TABLE referrals ADD COLUMN transport_late_alerted BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX referrals_transport_waiting ON referrals (transport_status)
    WHERE transport_driver_id IS NULL;
CREATE INDEX referrals_transport_needed_by ON referrals (transport_needed_by)
    WHERE transport_needed_by IS NOT NULL;
