-- PostgreSQL's spelling of storage/migrations/0018_outbox_claims.sql.
ALTER TABLE outbox ADD COLUMN claimed_by text;
ALTER TABLE outbox ADD COLUMN claimed_at text;
