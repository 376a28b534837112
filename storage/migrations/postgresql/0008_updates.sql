-- PostgreSQL's spelling of storage/migrations/0008_updates.sql.
CREATE TABLE handled_updates (
    update_id  bigint PRIMARY KEY,
    handled_at text   NOT NULL
);
INSERT INTO instance (key, value) VALUES ('update_offset', '0');
