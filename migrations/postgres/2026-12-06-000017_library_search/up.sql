-- Library search finds an article tagged with a species group (e.g.
-- `small_mammal`) by the names of the species in it ("guinea pig
-- breathing" finds "Respiratory emergencies in small mammals"), as the
-- species filter already does. The store writes those names into
-- `tag_text` for new and edited articles; this rebuilds it for existing
-- ones (the generated, GIN-indexed `search_vector` follows), and a trigger
-- adds a species the network adds later to the articles tagged with its
-- group.

UPDATE articles SET tag_text = tag_text || coalesce((
    SELECT ' · ' || string_agg(
        CASE WHEN terms.label LIKE '%s' THEN terms.label
             ELSE terms.label || ' · ' || terms.label || 's' END,
        ' · ' ORDER BY terms.label)
    FROM article_tags AS tags
    JOIN taxonomy_terms AS terms
      ON terms.taxonomy = 'species'
     AND position('/' in terms.code) > 0 AND split_part(terms.code, '/', 1) = tags.code
    WHERE tags.article_id = articles.id AND tags.kind = 'species' AND position('/' in tags.code) = 0
), '');

CREATE FUNCTION articles_tag_text_new_species() RETURNS trigger AS $$
BEGIN
    UPDATE articles
    SET tag_text = tag_text || ' · ' || NEW.label
        || CASE WHEN NEW.label LIKE '%s' THEN '' ELSE ' · ' || NEW.label || 's' END
    WHERE id IN (
        SELECT article_id FROM article_tags
        WHERE kind = 'species' AND code = split_part(NEW.code, '/', 1)
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER articles_tag_text_new_species AFTER INSERT ON taxonomy_terms
FOR EACH ROW WHEN (NEW.taxonomy = 'species' AND position('/' in NEW.code) > 0)
EXECUTE FUNCTION articles_tag_text_new_species();
