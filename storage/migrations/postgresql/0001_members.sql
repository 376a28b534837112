-- PostgreSQL's spelling of storage/migrations/0001_members.sql (same tables, columns and
-- indexes; ids and Telegram ids are bigint, moments and days ISO text compared bytewise).
CREATE TABLE members (
    user_id         bigint  PRIMARY KEY,          -- Telegram user id = private chat id
    pseudonym       text    NOT NULL,             -- the only name other members ever see
    timezone        text    NOT NULL,             -- IANA name or a fixed offset like UTC+05:30
    checkin_time    text    NOT NULL,             -- HH:MM, local to timezone
    consent_at      text    NOT NULL,             -- ISO-8601 UTC
    consent_version integer NOT NULL,
    onboarded_at    text,                         -- NULL while onboarding is under way
    awaiting        text,                         -- what free text answers: 'timezone', ...
    paused          integer NOT NULL DEFAULT 0,
    paused_until    text,                         -- NULL with paused=1: until /resume
    blocked_at      text,                         -- set when Telegram says the bot was blocked
    pending_invite  text,                         -- circle invite code carried through onboarding
    created_at      text    NOT NULL
);
