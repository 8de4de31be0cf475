-- The gazetteer: postcodes and named places with their points, loaded by
-- network admins from GeoNames dumps, so people can search near "BS1 5TR"
-- or "Bath" and site forms can fill coordinates.
--
-- kind: 'postcode' (GeoNames postal codes) or 'place' (GeoNames places).
-- A re-load of a kind replaces that kind's entries for the countries the
-- file covers. The *_key columns hold what lookups compare (see the domain's
-- places module): postcode_key 'BS15TR', outward_key 'BS1', name_key
-- 'weston super mare'.

CREATE TABLE gazetteer_entries (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    postcode TEXT,
    postcode_key TEXT,
    outward_key TEXT,
    admin_area TEXT,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    population BIGINT
);
CREATE INDEX gazetteer_by_postcode ON gazetteer_entries (postcode_key);
CREATE INDEX gazetteer_by_outward ON gazetteer_entries (outward_key);
CREATE INDEX gazetteer_by_name ON gazetteer_entries (name_key);
CREATE INDEX gazetteer_by_source ON gazetteer_entries (kind, country);
