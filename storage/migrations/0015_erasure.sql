-- Erasure that erases (/forget): an opaque key per member for the outbox's keys, every
-- pseudonym a member has gone by, the audit log's one permitted update, and crisis alerts and
-- reports whose ids are never handed out again.

-- A random key per member. Outbox idempotency keys that name one member in a message to
-- someone else (thanks:<relay>:<key>, report:<relay>:<key>) use it, never the Telegram id.
ALTER TABLE members ADD COLUMN member_key TEXT;
UPDATE members SET member_key = lower(hex(randomblob(8)));
CREATE UNIQUE INDEX members_key ON members (member_key);
CREATE TRIGGER members_key_given AFTER INSERT ON members WHEN NEW.member_key IS NULL
BEGIN
    UPDATE members SET member_key = lower(hex(randomblob(8))) WHERE user_id = NEW.user_id;
END;

-- Keys written before this version held the thanker's or reporter's Telegram id. They take
-- the member's key now; one whose member is gone (forgotten before this version) takes
-- "gone<row id>": unique, and naming nobody. No message is queued again by this: a second
-- Thanks or Report is refused by relay_thanks and reports before any key is looked up.
WITH parsed AS (
    SELECT id, substr(idempotency_key, 1, instr(idempotency_key, ':')) AS kind,
           substr(idempotency_key, instr(idempotency_key, ':') + 1) AS rest
    FROM outbox
    WHERE idempotency_key GLOB 'thanks:*:*' OR idempotency_key GLOB 'report:*:*'
), split AS (
    SELECT id, kind, substr(rest, 1, instr(rest, ':')) AS relay,
           CAST(substr(rest, instr(rest, ':') + 1) AS INTEGER) AS user_id
    FROM parsed
)
UPDATE outbox SET idempotency_key = (
    SELECT s.kind || s.relay || coalesce(m.member_key, 'gone' || s.id)
    FROM split s LEFT JOIN members m ON m.user_id = s.user_id WHERE s.id = outbox.id
)
WHERE id IN (SELECT id FROM split);

-- Messages about relays, crisis alerts and reports that an earlier /forget deleted: their
-- copies, reviews, reports, alerts and answers held the forgotten member's words and name.
WITH parsed AS (
    SELECT id, substr(idempotency_key, 1, instr(idempotency_key, ':') - 1) AS kind,
           substr(idempotency_key, instr(idempotency_key, ':') + 1) || ':' AS rest
    FROM outbox
), refs AS (
    SELECT id, kind, CAST(substr(rest, 1, instr(rest, ':') - 1) AS INTEGER) AS ref FROM parsed
)
DELETE FROM outbox WHERE id IN (
    SELECT id FROM refs
    WHERE (kind IN ('relay', 'review', 'rejected', 'thanks', 'report')
           AND ref NOT IN (SELECT id FROM relays))
       OR (kind IN ('alert', 'tell', 'answer') AND ref NOT IN (SELECT id FROM crisis_alerts))
       OR (kind = 'reported' AND ref NOT IN (SELECT id FROM reports))
);

-- Every pseudonym the member has gone by, so that /forget finds each audit row that names
-- them, and /mydata shows them. Kept by the triggers below; goes with the member.
CREATE TABLE member_pseudonyms (
    user_id   INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    pseudonym TEXT    NOT NULL,
    PRIMARY KEY (user_id, pseudonym)
) WITHOUT ROWID;
INSERT OR IGNORE INTO member_pseudonyms (user_id, pseudonym)
SELECT user_id, pseudonym FROM members;
INSERT OR IGNORE INTO member_pseudonyms (user_id, pseudonym)
SELECT author_id, pseudonym FROM relays WHERE author_id IN (SELECT user_id FROM members);
INSERT OR IGNORE INTO member_pseudonyms (user_id, pseudonym)
SELECT user_id, pseudonym FROM crisis_alerts WHERE user_id IN (SELECT user_id FROM members);
CREATE TRIGGER members_pseudonym_kept AFTER INSERT ON members
BEGIN
    INSERT OR IGNORE INTO member_pseudonyms (user_id, pseudonym)
    VALUES (NEW.user_id, NEW.pseudonym);
END;
CREATE TRIGGER members_pseudonym_changed AFTER UPDATE OF pseudonym ON members
BEGIN
    INSERT OR IGNORE INTO member_pseudonyms (user_id, pseudonym)
    VALUES (NEW.user_id, NEW.pseudonym);
END;

-- The audit log stays append-only but for one update: /forget replaces the name of the
-- member a row is about with the marker "(a former member)" (translated when /audit shows
-- it) and clears the row's reason. Who acted, what and when stay as written.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.moderator_id IS OLD.moderator_id
    AND NEW.moderator_name IS OLD.moderator_name AND NEW.action IS OLD.action
    AND NEW.target IS '(a former member)' AND NEW.reason IS NULL
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: only a forgotten member''s name and reason may be erased');
END;

-- Crisis alerts and reports get AUTOINCREMENT: without it SQLite hands the id of the newest
-- row out again once that row is deleted (a forgotten member's), and the buttons of the old
-- alert or report in the moderators' chat would act on someone else's. Neither table is
-- referenced by another, so it is rebuilt here with foreign keys on and nothing cascades.
CREATE TABLE crisis_alerts_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id              INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    source               TEXT    NOT NULL,     -- encourage, ask, reply, note, ...
    circle_name          TEXT,
    pseudonym            TEXT    NOT NULL,
    text                 TEXT,                 -- NULL for notes: a note stays private
    created_at           TEXT    NOT NULL,
    taken_by             INTEGER,              -- the moderator's Telegram id
    taken_by_name        TEXT,
    taken_at             TEXT,
    resolved_by_name     TEXT,
    resolved_at          TEXT,
    repeated_at          TEXT,
    tier                 TEXT    NOT NULL DEFAULT 'urgent',
    categories           TEXT,
    false_alarm_at       TEXT,
    contact_requested_at TEXT,
    told_at              TEXT,
    thread_noticed_at    TEXT,
    thread_closed_at     TEXT
);
INSERT INTO crisis_alerts_new (
    id, user_id, source, circle_name, pseudonym, text, created_at, taken_by, taken_by_name,
    taken_at, resolved_by_name, resolved_at, repeated_at, tier, categories, false_alarm_at,
    contact_requested_at, told_at, thread_noticed_at, thread_closed_at
)
SELECT id, user_id, source, circle_name, pseudonym, text, created_at, taken_by, taken_by_name,
       taken_at, resolved_by_name, resolved_at, repeated_at, tier, categories, false_alarm_at,
       contact_requested_at, told_at, thread_noticed_at, thread_closed_at
FROM crisis_alerts WHERE user_id IN (SELECT user_id FROM members);
DROP TABLE crisis_alerts;
ALTER TABLE crisis_alerts_new RENAME TO crisis_alerts;
CREATE INDEX crisis_alerts_open ON crisis_alerts (created_at) WHERE taken_by IS NULL;
CREATE INDEX crisis_alerts_by_member ON crisis_alerts (user_id, id);

CREATE TABLE reports_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    relay_id    INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    reporter_id INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    status      TEXT    NOT NULL DEFAULT 'open',  -- open, dismissed, acted
    created_at  TEXT    NOT NULL,
    UNIQUE (relay_id, reporter_id)
);
INSERT INTO reports_new (id, relay_id, reporter_id, status, created_at)
SELECT id, relay_id, reporter_id, status, created_at FROM reports
WHERE relay_id IN (SELECT id FROM relays) AND reporter_id IN (SELECT user_id FROM members);
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
