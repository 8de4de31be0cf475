DROP INDEX reservations_by_checkout;
DROP INDEX referrals_sent_by_receiver;
DROP INDEX referrals_sent_by_referrer;
DROP INDEX referrals_by_sent;
