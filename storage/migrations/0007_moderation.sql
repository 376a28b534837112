-- Peer moderators, sanctions that outlive /forget, and an append-only audit log.

-- Moderators promoted by an operator (operators themselves come from the config).
CREATE TABLE moderators (
    user_id  INTEGER PRIMARY KEY,
    added_by INTEGER NOT NULL,
    added_at TEXT    NOT NULL
);

-- Per-installation secret for hashing Telegram ids of sanctioned members: a ban must
-- survive /forget, and a salted hash is all that is kept for it.
CREATE TABLE instance (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO instance (key, value) VALUES ('sanction_salt', lower(hex(randomblob(16))));

-- Warnings, mutes and bans, by salted id hash. A mute ends at `until`; a ban has no end.
CREATE TABLE sanctions (
    id         INTEGER PRIMARY KEY,
    id_hash    TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('warning', 'mute', 'ban')),
    pseudonym  TEXT    NOT NULL,   -- as it was when the sanction was given
    reason     TEXT,
    until      TEXT,               -- mutes only
    created_at TEXT    NOT NULL,
    lifted_at  TEXT
);
CREATE INDEX sanctions_hash ON sanctions (id_hash, kind, created_at);

-- What moderators did: never updated, never deleted.
CREATE TABLE audit_log (
    id             INTEGER PRIMARY KEY,
    at             TEXT    NOT NULL,
    moderator_id   INTEGER NOT NULL,
    moderator_name TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    target         TEXT,              -- a pseudonym, circle, relay or report; never a member id
    reason         TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- A relay removed by a moderator, and when an untaken crisis alert was last repeated.
ALTER TABLE relays ADD COLUMN deleted_at TEXT;
ALTER TABLE crisis_alerts ADD COLUMN repeated_at TEXT;
CREATE INDEX crisis_alerts_open ON crisis_alerts (created_at) WHERE taken_by IS NULL;
