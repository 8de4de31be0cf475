DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_delete;
DROP TABLE articles_fts;
DROP TABLE article_tags;
DROP TABLE article_versions;
DROP TABLE articles;
