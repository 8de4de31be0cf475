-- The knowledge library: articles in Markdown, every edit a new
-- version, tagged by species and topic, network-wide or private to the
-- owning organization, searchable in full text.
--
-- Full-text search: `search_vector` is generated from the title (weight A),
-- the summary and `tag_text` (B: the species' labels, singular and plural,
-- and the topics' words) and `search_text` (C: the body as plain text), with
-- the English configuration, and indexed with GIN; queries use
-- `websearch_to_tsquery`.

CREATE TABLE articles (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    visibility TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    species TEXT NOT NULL,
    topics TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    tag_text TEXT NOT NULL,
    search_text TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_by_user_id TEXT,
    updated_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    archived_at TIMESTAMP,
    archived_by TEXT,
    -- The current version's number; also the ETag.
    version BIGINT NOT NULL DEFAULT 1,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(summary, '')), 'B')
        || setweight(to_tsvector('english', tag_text), 'B')
        || setweight(to_tsvector('english', search_text), 'C')
    ) STORED,
    CONSTRAINT articles_visibility CHECK (visibility IN ('network', 'organization'))
);
CREATE INDEX articles_search ON articles USING GIN (search_vector);
CREATE INDEX articles_by_organization ON articles (organization_id, updated_at);
CREATE INDEX articles_by_update ON articles (updated_at, id);

CREATE TABLE article_versions (
    article_id TEXT NOT NULL REFERENCES articles (id),
    number BIGINT NOT NULL,
    kind TEXT NOT NULL,
    visibility TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT,
    species TEXT NOT NULL,
    topics TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    change_note TEXT NOT NULL,
    author TEXT NOT NULL,
    author_user_id TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, number)
);

-- The current version's tags, for filtering: `species` codes and `topic`s.
CREATE TABLE article_tags (
    article_id TEXT NOT NULL REFERENCES articles (id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (article_id, kind, code)
);
CREATE INDEX article_tags_by_code ON article_tags (kind, code);
