-- The safety net: two tiers of crisis alert, what became of them, the moderator thread,
-- personal safety plans, and which consent notice a member has seen.
ALTER TABLE crisis_alerts ADD COLUMN tier TEXT NOT NULL DEFAULT 'urgent';  -- or 'concern'
ALTER TABLE crisis_alerts ADD COLUMN categories TEXT;          -- e.g. 'intent,plan_means'
ALTER TABLE crisis_alerts ADD COLUMN false_alarm_at TEXT;      -- a moderator: "Not a crisis"
ALTER TABLE crisis_alerts ADD COLUMN contact_requested_at TEXT; -- the member asked for a moderator
ALTER TABLE crisis_alerts ADD COLUMN told_at TEXT;             -- a moderator last wrote to them
ALTER TABLE crisis_alerts ADD COLUMN thread_noticed_at TEXT;   -- they were told plain messages go on
ALTER TABLE crisis_alerts ADD COLUMN thread_closed_at TEXT;    -- "End conversation"
CREATE INDEX crisis_alerts_by_member ON crisis_alerts (user_id, id);

-- Counts only, no ids: survive /forget, feed /stats and Prometheus.
CREATE TABLE alert_outcomes (
    tier    TEXT    NOT NULL,
    outcome TEXT    NOT NULL,  -- raised, taken, false_alarm
    count   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tier, outcome)
) WITHOUT ROWID;

-- A Stanley-Brown style safety plan, in the member's own words; `draft` rows hold an
-- unfinished edit, so /cancel keeps nothing new.
CREATE TABLE safety_plans (
    user_id        INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    draft          INTEGER NOT NULL,  -- 0: the plan; 1: the edit in progress
    warning_signs  TEXT,
    coping         TEXT,
    distractions   TEXT,
    helpers        TEXT,
    professionals  TEXT,
    safe_space     TEXT,
    reasons        TEXT,
    updated_at     TEXT    NOT NULL,
    PRIMARY KEY (user_id, draft)
);

ALTER TABLE members ADD COLUMN notice_version INTEGER NOT NULL DEFAULT 1;
