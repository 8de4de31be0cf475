DROP INDEX items_by_category;
CREATE INDEX items_by_category ON items (category);
DROP INDEX sites_freshness;
DROP INDEX reservations_by_checkout;
CREATE INDEX reservations_by_checkout ON reservations (checked_out_at);
DROP INDEX referrals_by_status;
DROP INDEX referrals_by_sent;
CREATE INDEX referrals_by_sent ON referrals (sent_at);
