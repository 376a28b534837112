-- Updates from Telegram already handled, so a redelivered one is skipped, and the offset
-- confirmed to Telegram (the next getUpdates offset), kept only after the batch is handled.
CREATE TABLE handled_updates (
    update_id  INTEGER PRIMARY KEY,
    handled_at TEXT NOT NULL
);
INSERT INTO instance (key, value) VALUES ('update_offset', '0');
