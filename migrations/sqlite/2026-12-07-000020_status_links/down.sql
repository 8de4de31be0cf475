DROP TABLE status_updates;
DROP TABLE status_links;
