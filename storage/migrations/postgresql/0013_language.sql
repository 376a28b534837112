-- PostgreSQL's spelling of storage/migrations/0013_language.sql.
ALTER TABLE members ADD COLUMN language text;
ALTER TABLE members ADD COLUMN region text;
