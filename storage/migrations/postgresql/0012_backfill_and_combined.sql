-- PostgreSQL's spelling of storage/migrations/0012_backfill_and_combined.sql.
ALTER TABLE checkins ADD COLUMN filled_in_later integer NOT NULL DEFAULT 0;
CREATE INDEX outbox_combined ON outbox (chat_id, telegram_message_id) WHERE kind = 'combined';
CREATE INDEX relays_circle_time ON relays (circle_id, created_at);
CREATE INDEX relays_reply_to ON relays (reply_to) WHERE reply_to IS NOT NULL;
