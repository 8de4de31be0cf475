DROP TABLE consults;
DROP TABLE specialist_tags;
DROP TABLE specialist_profiles;
