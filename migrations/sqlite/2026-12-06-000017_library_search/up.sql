-- Library search finds an article tagged with a species group (e.g.
-- `small_mammal`) by the names of the species in it ("guinea pig
-- breathing" finds "Respiratory emergencies in small mammals"), as the
-- species filter already does. The store writes those names into
-- `tag_text` for new and edited articles; this rebuilds it for existing
-- ones (the FTS5 triggers reindex each updated row), and a trigger adds a
-- species the network adds later to the articles tagged with its group.

UPDATE articles SET tag_text = tag_text || coalesce((
    SELECT ' · ' || group_concat(
        CASE WHEN terms.label LIKE '%s' THEN terms.label
             ELSE terms.label || ' · ' || terms.label || 's' END,
        ' · ')
    FROM article_tags AS tags
    JOIN taxonomy_terms AS terms
      ON terms.taxonomy = 'species'
     AND substr(terms.code, 1, length(tags.code) + 1) = tags.code || '/'
    WHERE tags.article_id = articles.id AND tags.kind = 'species' AND instr(tags.code, '/') = 0
), '');

CREATE TRIGGER articles_tag_text_new_species AFTER INSERT ON taxonomy_terms
WHEN new.taxonomy = 'species' AND instr(new.code, '/') > 0
BEGIN
    UPDATE articles
    SET tag_text = tag_text || ' · ' || new.label
        || CASE WHEN new.label LIKE '%s' THEN '' ELSE ' · ' || new.label || 's' END
    WHERE id IN (
        SELECT article_id FROM article_tags
        WHERE kind = 'species' AND code = substr(new.code, 1, instr(new.code, '/') - 1)
    );
END;
