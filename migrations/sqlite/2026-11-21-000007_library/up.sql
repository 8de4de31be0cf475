-- The knowledge library: articles in Markdown, every edit a new
-- version, tagged by species and topic, network-wide or private to the
-- owning organization, searchable in full text.
--
-- Full-text search: the FTS5 table `articles_fts` (Porter stemming over
-- Unicode words) holds each article's title, summary, `tag_text` (the
-- species' labels, singular and plural, and the topics' words) and
-- `search_text` (the body as plain text), written by the store.
-- Triggers keep it in step with `articles` in the same transaction as every
-- write; queries rank with bm25.

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
    CONSTRAINT articles_visibility CHECK (visibility IN ('network', 'organization'))
);
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

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    article_id UNINDEXED,
    title,
    summary,
    tags,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO articles_fts (article_id, title, summary, tags, body)
    VALUES (new.id, new.title, coalesce(new.summary, ''), new.tag_text, new.search_text);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, tag_text, search_text ON articles
BEGIN
    DELETE FROM articles_fts WHERE article_id = old.id;
    INSERT INTO articles_fts (article_id, title, summary, tags, body)
    VALUES (new.id, new.title, coalesce(new.summary, ''), new.tag_text, new.search_text);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
BEGIN
    DELETE FROM articles_fts WHERE article_id = old.id;
END;
