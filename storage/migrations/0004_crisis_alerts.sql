-- Crisis alerts to the moderators' chat: who took them, and when they were resolved.
CREATE TABLE crisis_alerts (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    source          TEXT    NOT NULL,            -- encourage, ask, reply, note
    circle_name     TEXT,
    pseudonym       TEXT    NOT NULL,
    text            TEXT,                        -- NULL for notes: a note stays private
    created_at      TEXT    NOT NULL,
    taken_by        INTEGER,                     -- the moderator's Telegram id
    taken_by_name   TEXT,
    taken_at        TEXT,
    resolved_by_name TEXT,
    resolved_at     TEXT
);
