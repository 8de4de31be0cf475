-- The volunteer roster: each person's skills with the last day
-- each is valid, weekly availability in OpenStreetMap opening_hours syntax,
-- the area they cover and whether they drive their own vehicle; the foster
-- placements organizations offer them; and, on each referral, the transport
-- leg's status and driver as columns, so "transports without a driver" and
-- "my drives" are indexed queries.

CREATE TABLE volunteer_profiles (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id),
    -- JSON array of {"skill", "expires_on"}.
    skills TEXT NOT NULL,
    availability TEXT NOT NULL,
    timezone TEXT NOT NULL,
    area TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    radius_km INTEGER CHECK (radius_km BETWEEN 1 AND 300),
    has_vehicle BOOLEAN NOT NULL,
    notes TEXT,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE foster_placements (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    volunteer_user_id TEXT NOT NULL REFERENCES users (id),
    referral_id TEXT REFERENCES referrals (id),
    species TEXT NOT NULL,
    animal_name TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    status TEXT NOT NULL,
    notes TEXT,
    status_note TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT foster_placements_status
        CHECK (status IN ('offered', 'accepted', 'declined', 'ended', 'cancelled')),
    CONSTRAINT foster_placements_dates CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX foster_placements_by_organization ON foster_placements (organization_id, starts_on);
CREATE INDEX foster_placements_by_volunteer ON foster_placements (volunteer_user_id, status);

ALTER TABLE referrals ADD COLUMN transport_status TEXT;
ALTER TABLE referrals ADD COLUMN transport_driver_id TEXT;
UPDATE referrals
SET transport_status = json_extract(transport, '$.status'),
    transport_driver_id = json_extract(transport, '$.driver.user_id')
WHERE transport IS NOT NULL;
CREATE INDEX referrals_transport_unassigned ON referrals (transport_status)
    WHERE transport_driver_id IS NULL AND transport_status IS NOT NULL;
CREATE INDEX referrals_transport_driver ON referrals (transport_driver_id)
    WHERE transport_driver_id IS NOT NULL;
