-- PostgreSQL's spelling of storage/migrations/0010_checkin_summaries.sql: the summaries
-- /stats reads, kept exact by row triggers on every insert, change and delete of a
-- check-in. SQLite's view with an INSTEAD OF trigger is one function here; the backfill
-- is left out (a PostgreSQL database is made empty).
CREATE TABLE member_weeks (
    week_start     text   NOT NULL,                  -- the Monday, YYYY-MM-DD
    user_id        bigint NOT NULL,
    checkins       bigint NOT NULL,
    mood_sum       bigint NOT NULL,
    confidence_sum bigint NOT NULL,
    PRIMARY KEY (week_start, user_id)
);

CREATE TABLE member_spans (
    user_id          bigint           PRIMARY KEY,
    first_date       text             NOT NULL,
    last_date        text             NOT NULL,
    first_confidence double precision NOT NULL,
    last_confidence  double precision NOT NULL
);

-- Recomputes one member's week of `day` and their span from their check-ins, as SQLite's
-- checkin_refresh does: the ISO Monday is date_trunc('week', …).
CREATE FUNCTION refresh_checkin_summaries(member bigint, day text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    monday text := to_char(date_trunc('week', day::date), 'YYYY-MM-DD');
BEGIN
    DELETE FROM member_weeks WHERE week_start = monday AND user_id = member;
    INSERT INTO member_weeks (week_start, user_id, checkins, mood_sum, confidence_sum)
    SELECT monday, member, count(*), sum(c.mood), sum(c.confidence)
    FROM checkins c
    WHERE c.user_id = member
      AND c.local_date BETWEEN monday AND to_char(monday::date + 6, 'YYYY-MM-DD')
    HAVING count(*) > 0;

    DELETE FROM member_spans WHERE user_id = member;
    INSERT INTO member_spans (user_id, first_date, last_date, first_confidence, last_confidence)
    SELECT member, s.first, s.last,
           (SELECT avg(confidence) FROM checkins
            WHERE user_id = member AND local_date < to_char(s.first::date + 14, 'YYYY-MM-DD')),
           (SELECT avg(confidence) FROM checkins
            WHERE user_id = member AND local_date > to_char(s.last::date - 14, 'YYYY-MM-DD'))
    FROM (SELECT min(local_date) AS first, max(local_date) AS last
          FROM checkins WHERE user_id = member) AS s
    WHERE s.first IS NOT NULL;
END
$$;

CREATE FUNCTION checkins_summarise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM refresh_checkin_summaries(NEW.user_id, NEW.local_date);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.user_id IS DISTINCT FROM NEW.user_id
                                                  OR OLD.local_date IS DISTINCT FROM NEW.local_date))
    THEN
        PERFORM refresh_checkin_summaries(OLD.user_id, OLD.local_date);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER checkins_summarise_insert AFTER INSERT ON checkins
    FOR EACH ROW EXECUTE FUNCTION checkins_summarise();
-- A private note changes no figure, so only these columns trigger a refresh.
CREATE TRIGGER checkins_summarise_update
    AFTER UPDATE OF user_id, local_date, mood, confidence ON checkins
    FOR EACH ROW EXECUTE FUNCTION checkins_summarise();
CREATE TRIGGER checkins_summarise_delete AFTER DELETE ON checkins
    FOR EACH ROW EXECUTE FUNCTION checkins_summarise();

DROP INDEX checkins_by_date;
CREATE INDEX checkins_by_day ON checkins (local_date);
