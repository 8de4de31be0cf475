DROP INDEX referrals_outgoing_open;
DROP INDEX referrals_incoming_open;
