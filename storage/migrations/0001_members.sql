-- Members: only what is needed to reach a person and what they chose to give.
-- Nothing is stored before consent; /forget deletes the row and everything that hangs on it.
CREATE TABLE members (
    user_id         INTEGER PRIMARY KEY,          -- Telegram user id = private chat id
    pseudonym       TEXT    NOT NULL,             -- the only name other members ever see
    timezone        TEXT    NOT NULL,             -- IANA name or a fixed offset like UTC+05:30
    checkin_time    TEXT    NOT NULL,             -- HH:MM, local to timezone
    consent_at      TEXT    NOT NULL,             -- ISO-8601 UTC
    consent_version INTEGER NOT NULL,
    onboarded_at    TEXT,                         -- NULL while onboarding is under way
    awaiting        TEXT,                         -- what free text answers: 'timezone', ...
    paused          INTEGER NOT NULL DEFAULT 0,
    paused_until    TEXT,                         -- NULL with paused=1: until /resume
    blocked_at      TEXT,                         -- set when Telegram says the bot was blocked
    pending_invite  TEXT,                         -- circle invite code carried through onboarding
    created_at      TEXT    NOT NULL
);
