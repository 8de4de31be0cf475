-- The dashboard reads every referral sent in its period, counts the open
-- ones per tier and lists the unseen ones, and reads the loans that overlap
-- the period, on every load. With a network's years of referrals each of
-- these must come from an index alone, in order, not from a row lookup per
-- referral: the period's index carries every column the dashboard reads
-- (and replaces the plain one on sent_at), open referrals are found by
-- status, a loan's times are read beside its checkout time, the directory's
-- freshness beside each site's organization, and items counted by category
-- and status.
DROP INDEX referrals_by_sent;
CREATE INDEX referrals_by_sent ON referrals (
    sent_at, case_id, priority, species, status, receiver_site_id, received_at,
    accepted_at, first_vet_at, reject_reason, escalation_level, outcome
);
CREATE INDEX referrals_by_status ON referrals (status, priority, sent_at, first_vet_at);
DROP INDEX reservations_by_checkout;
CREATE INDEX reservations_by_checkout ON reservations (checked_out_at, returned_at, item_id);
CREATE INDEX sites_freshness ON sites (organization_id, next_audit_due, capacity, capacity_expires_at);
DROP INDEX items_by_category;
CREATE INDEX items_by_category ON items (category, status);
