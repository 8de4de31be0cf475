DROP TABLE supply_requests;
DROP TABLE supply_offers;
