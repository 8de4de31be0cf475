DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
DROP TABLE referral_settings;
DROP TABLE referral_messages;
DROP TABLE referral_events;
DROP TABLE referrals;
