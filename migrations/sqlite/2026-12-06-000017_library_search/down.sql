-- The group's species names stay in `tag_text` until each article is next
-- edited; only the trigger goes.
DROP TRIGGER articles_tag_text_new_species;
