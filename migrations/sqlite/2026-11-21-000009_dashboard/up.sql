-- The dashboard finds the referrals sent in a period, for the whole network
-- or for one organization on either side.
CREATE INDEX referrals_by_sent ON referrals (sent_at);
CREATE INDEX referrals_sent_by_referrer ON referrals (referrer_org_id, sent_at);
CREATE INDEX referrals_sent_by_receiver ON referrals (receiver_org_id, sent_at);
-- Loans overlapping a period.
CREATE INDEX reservations_by_checkout ON reservations (checked_out_at);
