DROP TABLE site_triage_variants;
DROP TABLE assessments;
DROP TABLE triage_protocols;
