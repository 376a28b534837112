-- Personal recovery goals: habits (done or not per day) and limits (a count against a most
-- allowed per day or week). A goal being set up is a 'draft' until its last step.
CREATE TABLE goals (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    number        INTEGER,            -- what the member types in /done <n>; NULL while a draft
    title         TEXT    NOT NULL,
    why           TEXT,               -- "why this matters to me", recalled by nudges
    kind          TEXT    NOT NULL CHECK (kind IN ('habit', 'limit')),
    limit_target  INTEGER,            -- limits: the most allowed per period
    limit_period  TEXT CHECK (limit_period IN ('day', 'week')),
    schedule      TEXT    NOT NULL,   -- 'daily', 'days:0,2,4' (Monday=0) or 'weekly:6'
    nudge_time    TEXT    NOT NULL,   -- HH:MM in the member's zone
    status        TEXT    NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'archived')),
    created_at    TEXT    NOT NULL,
    archived_at   TEXT,
    next_nudge_at TEXT,               -- due row of the next regular nudge
    snooze_at     TEXT,               -- due row of a "remind me in an hour"
    snooze_day    TEXT                -- the local day the snoozed nudge is about
);
CREATE UNIQUE INDEX goals_number ON goals (user_id, number)
    WHERE status IN ('active', 'paused');
CREATE INDEX goals_user ON goals (user_id, status);
CREATE INDEX goals_next_nudge ON goals (next_nudge_at) WHERE next_nudge_at IS NOT NULL;
CREATE INDEX goals_snooze ON goals (snooze_at) WHERE snooze_at IS NOT NULL;

-- One answer per goal per local day: done, not today (with a reason), or a count.
CREATE TABLE goal_entries (
    goal_id     INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    local_date  TEXT    NOT NULL,
    outcome     TEXT    NOT NULL CHECK (outcome IN ('done', 'not_today', 'count')),
    reason      TEXT,
    amount      INTEGER,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (goal_id, local_date)
);
