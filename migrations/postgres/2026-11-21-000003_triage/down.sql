DROP TABLE assessments;
DROP TABLE triage_protocols;
