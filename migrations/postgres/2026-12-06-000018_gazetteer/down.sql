DROP TABLE gazetteer_entries;
