-- Check-ins filled in afterwards, and combined messages whose parts are answered one by one.

-- 1 when the day's answers were given after the day had ended (up to 2 days later).
ALTER TABLE checkins ADD COLUMN filled_in_later INTEGER NOT NULL DEFAULT 0;

-- A button pressed on a combined message finds it by its Telegram id to redraw one part;
-- only combined messages are indexed, so the index stays small.
CREATE INDEX outbox_combined ON outbox (chat_id, telegram_message_id) WHERE kind = 'combined';

-- The weekly reflection counts the encouragement a member received: from their circle,
-- and answers to what they asked.
CREATE INDEX relays_circle_time ON relays (circle_id, created_at);
CREATE INDEX relays_reply_to ON relays (reply_to) WHERE reply_to IS NOT NULL;
