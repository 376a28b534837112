-- Peer circles, who is in them, and the encouragement relayed inside them.

CREATE TABLE circles (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    invite_code TEXT    NOT NULL UNIQUE,
    max_members INTEGER NOT NULL,
    mode        TEXT    NOT NULL DEFAULT 'post' CHECK (mode IN ('post', 'pre')),
    created_at  TEXT    NOT NULL
);

-- One circle per member at a time.
CREATE TABLE circle_members (
    user_id   INTEGER PRIMARY KEY REFERENCES members (user_id) ON DELETE CASCADE,
    circle_id INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    joined_at TEXT    NOT NULL
);
CREATE INDEX circle_members_circle ON circle_members (circle_id);

-- What a member relayed; the text is the sanitised text that others saw.
CREATE TABLE relays (
    id         INTEGER PRIMARY KEY,
    circle_id  INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,                 -- encourage, ask, reply, hard_day
    pseudonym  TEXT    NOT NULL,                 -- as shown to the circle
    text       TEXT    NOT NULL,
    status     TEXT    NOT NULL,                 -- sent, held (pre-moderation), rejected
    reply_to   INTEGER REFERENCES relays (id) ON DELETE CASCADE, -- answers go to its author
    created_at TEXT    NOT NULL
);
CREATE INDEX relays_author_time ON relays (author_id, created_at);

-- "Thanks" reaches the author once per member and relay.
CREATE TABLE relay_thanks (
    relay_id INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    PRIMARY KEY (relay_id, user_id)
) WITHOUT ROWID;

-- Reports on relayed messages; the reporter is kept only so one member reports once.
CREATE TABLE reports (
    id          INTEGER PRIMARY KEY,
    relay_id    INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    status      TEXT    NOT NULL DEFAULT 'open',  -- open, dismissed, acted
    created_at  TEXT    NOT NULL,
    UNIQUE (relay_id, reporter_id)
);
