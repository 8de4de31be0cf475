-- The revisions Warren has published into the network's triage protocol,
-- each once (see `warren_domain::triage::REVISIONS`). A network that started
-- before a revision gets it as a new protocol version when the server next
-- starts; a new network starts with every revision already in version 1.

CREATE TABLE triage_protocol_revisions (
    code TEXT PRIMARY KEY NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    protocol_version INTEGER
);
