-- The recovery journey: a start date, and setbacks that close one journey and start the next.
CREATE TABLE journeys (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    started_on   TEXT    NOT NULL,   -- local date of day 0
    ended_on     TEXT,               -- local date of the setback; NULL for the current one
    setback_note TEXT                -- private: only ever shown to the member
);
CREATE UNIQUE INDEX journeys_current ON journeys (user_id) WHERE ended_on IS NULL;
CREATE INDEX journeys_user ON journeys (user_id, started_on);

-- Due row for the next milestone celebration, and whether milestones go to the circle
-- (NULL: not asked yet).
ALTER TABLE members ADD COLUMN next_milestone_at TEXT;
ALTER TABLE members ADD COLUMN share_milestones INTEGER;
CREATE INDEX members_next_milestone ON members (next_milestone_at)
    WHERE next_milestone_at IS NOT NULL;
