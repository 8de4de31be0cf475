DROP TABLE reservation_events;
DROP TABLE reservations;
DROP TABLE maintenance_records;
DROP TABLE maintenance_plans;
DROP TABLE items;
