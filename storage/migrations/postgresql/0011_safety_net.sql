-- PostgreSQL's spelling of storage/migrations/0011_safety_net.sql.
ALTER TABLE crisis_alerts ADD COLUMN tier text NOT NULL DEFAULT 'urgent';
ALTER TABLE crisis_alerts ADD COLUMN categories text;
ALTER TABLE crisis_alerts ADD COLUMN false_alarm_at text;
ALTER TABLE crisis_alerts ADD COLUMN contact_requested_at text;
ALTER TABLE crisis_alerts ADD COLUMN told_at text;
ALTER TABLE crisis_alerts ADD COLUMN thread_noticed_at text;
ALTER TABLE crisis_alerts ADD COLUMN thread_closed_at text;
CREATE INDEX crisis_alerts_by_member ON crisis_alerts (user_id, id);

CREATE TABLE alert_outcomes (
    tier    text    NOT NULL,
    outcome text    NOT NULL,
    count   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tier, outcome)
);

CREATE TABLE safety_plans (
    user_id        bigint  NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    draft          integer NOT NULL,
    warning_signs  text,
    coping         text,
    distractions   text,
    helpers        text,
    professionals  text,
    safe_space     text,
    reasons        text,
    updated_at     text    NOT NULL,
    PRIMARY KEY (user_id, draft)
);

ALTER TABLE members ADD COLUMN notice_version integer NOT NULL DEFAULT 1;
