DROP TABLE plan_items;
DROP TABLE rehab_plans;
DROP TABLE care_stages;
DROP TABLE patient_entries;
DROP TABLE patient_holders;
DROP INDEX referrals_by_record;
ALTER TABLE referrals DROP COLUMN record_id;
DROP TABLE patient_records;
