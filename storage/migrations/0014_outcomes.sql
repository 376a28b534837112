-- Outcomes: validated questionnaires a member opted in to, when each is due, and the answers.

-- When the member last wrote crisis words (the safety net): no questionnaire that day.
ALTER TABLE members ADD COLUMN last_crisis_at TEXT;

-- The member's choice about questionnaires, and the one-time offer's due row.
CREATE TABLE outcome_members (
    user_id     INTEGER PRIMARY KEY REFERENCES members (user_id) ON DELETE CASCADE,
    offer_at    TEXT,     -- due row: the one offer, a week after joining; NULL once made
    consent     INTEGER,  -- NULL: not answered; 1: yes; 0: no thanks, or stopped
    answered_at TEXT,
    asked_on    TEXT,     -- the member's local day a questionnaire was last asked or started,
    asked_what  TEXT      -- and which one: never two questionnaires in a day
);
CREATE INDEX outcome_members_offer ON outcome_members (offer_at) WHERE offer_at IS NOT NULL;

-- Members who joined before this migration get the offer a week after they joined (the
-- sweep moves one whose moment has passed to their next suitable local time).
INSERT INTO outcome_members (user_id, offer_at)
SELECT user_id, strftime('%Y-%m-%dT%H:%M:%S+00:00', julianday(onboarded_at) + 7)
FROM members WHERE onboarded_at IS NOT NULL;

-- Each questionnaire a consenting member answers: cycles of every_days from `anchor` (the
-- local day of the first), and the due row of the next invitation.
CREATE TABLE outcome_schedule (
    user_id       INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    questionnaire TEXT    NOT NULL,
    anchor        TEXT    NOT NULL,
    due_at        TEXT,
    PRIMARY KEY (user_id, questionnaire)
) WITHOUT ROWID;
CREATE INDEX outcome_schedule_due ON outcome_schedule (due_at) WHERE due_at IS NOT NULL;

-- One sitting of a questionnaire: answers so far (item values in order, comma-separated),
-- and the score once the last is given. Open ones expire unscored after 3 days. A scored
-- one also keeps where it stands for the cohort report (bot.outcomes.rules): days since the
-- member's first score of that questionnaire, the change from it, the time point it is
-- near (0 for the first itself; 30, 60 or 90 within 7 days), and whether it is the one
-- counted there (the closest), so the report aggregates instead of pairing every sitting.
CREATE TABLE outcome_responses (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    questionnaire TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    language      TEXT    NOT NULL,  -- the language its items were read in
    started_at    TEXT    NOT NULL,
    started_on    TEXT    NOT NULL,  -- the member's local day
    answers       TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'complete', 'expired')),
    score         REAL,
    completed_at  TEXT,
    completed_on  TEXT,              -- the member's local day
    first_gap     INTEGER,           -- days since the member's first score of it
    change        REAL,              -- score minus that first score
    timepoint     INTEGER,           -- 0, 30, 60 or 90; NULL when near none
    counted       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outcome_responses_member ON outcome_responses (user_id, questionnaire, id);
-- Open sittings by age: the sweep sets aside those 3 days old.
CREATE INDEX outcome_responses_open ON outcome_responses (started_at) WHERE status = 'open';
-- A member's counted scores (when a new one is scored), and everyone's in the order the
-- report groups them, holding all it reads: it never touches the table.
CREATE INDEX outcome_responses_counted
    ON outcome_responses (user_id, questionnaire, timepoint, change) WHERE counted = 1;
CREATE INDEX outcome_responses_report
    ON outcome_responses (questionnaire, timepoint, change, user_id) WHERE counted = 1;
