-- The board lists an organization's open referrals, most urgent first and
-- then oldest first, a page at a time. Each side's open referrals are kept
-- in exactly that order, so that a page is read from the index and the read
-- stops after one page, however many referrals are open. (With `closed_at`
-- inside the index, `closed_at IS NULL` left every open referral to sort.)
CREATE INDEX referrals_incoming_open ON referrals (receiver_org_id, priority, created_at, id)
    WHERE closed_at IS NULL;
CREATE INDEX referrals_outgoing_open ON referrals (referrer_org_id, priority, created_at, id)
    WHERE closed_at IS NULL;
