DROP TABLE triage_protocol_revisions;
