DROP TABLE article_tags;
DROP TABLE article_versions;
DROP TABLE articles;
