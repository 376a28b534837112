-- Trust between members: who received each relay (only they may thank or report it), a
-- hard-day button that relays once, invite links moderators can replace or revoke, a daily
-- limit on new pseudonyms, and the indexes the limits and uniqueness checks read.

-- Who each relay was sent to (bot.circles.service: Thanks and Report check it).
CREATE TABLE relay_recipients (
    relay_id INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    PRIMARY KEY (relay_id, user_id)
) WITHOUT ROWID;
CREATE INDEX relay_recipients_member ON relay_recipients (user_id);

-- Relays sent before this migration: to the circle, everyone in it now who had joined by
-- then; an answer, the author of what it answered; and every copy the outbox still holds
-- (those who have left the circle since).
INSERT OR IGNORE INTO relay_recipients (relay_id, user_id)
SELECT r.id, cm.user_id
FROM relays r JOIN circle_members cm ON cm.circle_id = r.circle_id
WHERE r.reply_to IS NULL AND cm.user_id != r.author_id AND cm.joined_at <= r.created_at;
INSERT OR IGNORE INTO relay_recipients (relay_id, user_id)
SELECT r.id, asked.author_id
FROM relays r JOIN relays asked ON asked.id = r.reply_to
WHERE asked.author_id != r.author_id;
INSERT OR IGNORE INTO relay_recipients (relay_id, user_id)
SELECT copy.relay_id, copy.user_id
FROM (
    SELECT CAST(substr(idempotency_key, 7, instr(substr(idempotency_key, 7), ':') - 1)
                AS INTEGER) AS relay_id,
           user_id
    FROM outbox
    WHERE idempotency_key LIKE 'relay:%' AND user_id IS NOT NULL
) AS copy
WHERE copy.relay_id IN (SELECT id FROM relays);

-- The message a hard-day button sat on (the member's own chat): one relay per button.
ALTER TABLE relays ADD COLUMN button_message_id INTEGER;
CREATE UNIQUE INDEX relays_once_per_button ON relays (author_id, button_message_id)
    WHERE button_message_id IS NOT NULL;

-- Invite codes a moderator replaced or revoked, kept so an old link can say it is no
-- longer valid. A revoked circle's own code is among them: it has no working link until a
-- moderator makes a new one.
CREATE TABLE retired_invites (
    code       TEXT    PRIMARY KEY,
    circle_id  INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    retired_at TEXT    NOT NULL
) WITHOUT ROWID;

-- "New pseudonym": how many the member drew on their local day of the last one.
ALTER TABLE members ADD COLUMN pseudonym_redraw_day TEXT;
ALTER TABLE members ADD COLUMN pseudonym_redraws INTEGER NOT NULL DEFAULT 0;
-- Whether a pseudonym is in use, as moderators look members up (any case).
CREATE INDEX members_pseudonym ON members (pseudonym COLLATE NOCASE);

-- Reports per member per day (the rate limit).
CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
