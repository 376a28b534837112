-- Daily check-ins, the due rows that schedule them, and the durable outbox.

-- Due rows: the next moment (UTC) each member's check-in prompt and weekly reflection is
-- due. NULL = nothing scheduled (onboarding not finished).
ALTER TABLE members ADD COLUMN next_checkin_at TEXT;
ALTER TABLE members ADD COLUMN next_weekly_at TEXT;
ALTER TABLE members ADD COLUMN weekly_reflection INTEGER NOT NULL DEFAULT 1;
CREATE INDEX members_next_checkin ON members (next_checkin_at) WHERE next_checkin_at IS NOT NULL;
CREATE INDEX members_next_weekly ON members (next_weekly_at) WHERE next_weekly_at IS NOT NULL;

-- One check-in per member per local day; answering again replaces it.
CREATE TABLE checkins (
    user_id     INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    local_date  TEXT    NOT NULL,                    -- YYYY-MM-DD in the member's zone
    mood        INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    confidence  INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 10),
    note        TEXT,                                -- private: only ever shown to the member
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, local_date)
) WITHOUT ROWID;

-- Every message the bot starts is written here first and sent by the delivery worker.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY,
    idempotency_key     TEXT    NOT NULL UNIQUE,     -- e.g. checkin:<user>:<local date>
    chat_id             INTEGER NOT NULL,
    user_id             INTEGER REFERENCES members (user_id) ON DELETE CASCADE,
    kind                TEXT    NOT NULL,
    payload             TEXT    NOT NULL,            -- JSON: text, parse_mode, reply_markup
    not_before          TEXT    NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    status              TEXT    NOT NULL DEFAULT 'pending', -- pending, sent, dropped, failed
    telegram_message_id INTEGER,
    created_at          TEXT    NOT NULL,
    finished_at         TEXT
);
CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE status = 'pending';
CREATE INDEX outbox_user ON outbox (user_id);
