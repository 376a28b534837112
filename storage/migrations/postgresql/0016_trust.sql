-- PostgreSQL's spelling of storage/migrations/0016_trust.sql (without the backfill of
-- older relays' recipients: a PostgreSQL database is made empty).
CREATE TABLE relay_recipients (
    relay_id bigint NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    PRIMARY KEY (relay_id, user_id)
);
CREATE INDEX relay_recipients_member ON relay_recipients (user_id);

ALTER TABLE relays ADD COLUMN button_message_id bigint;
CREATE UNIQUE INDEX relays_once_per_button ON relays (author_id, button_message_id)
    WHERE button_message_id IS NOT NULL;

CREATE TABLE retired_invites (
    code       text   PRIMARY KEY,
    circle_id  bigint NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    retired_at text   NOT NULL
);

ALTER TABLE members ADD COLUMN pseudonym_redraw_day text;
ALTER TABLE members ADD COLUMN pseudonym_redraws integer NOT NULL DEFAULT 0;
CREATE INDEX members_pseudonym ON members (pseudonym COLLATE nocase);

CREATE INDEX reports_reporter ON reports (reporter_id, created_at);
