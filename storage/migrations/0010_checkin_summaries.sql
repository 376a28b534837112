-- Summaries of check-ins that /stats reads instead of millions of check-in rows (2.6 s at
-- 3 million check-ins before, see bench/RESULTS.md). Triggers keep them exact on every
-- insert, change and delete, /forget's cascade included, so no code path can forget them.

-- One row per member and Monday-to-Sunday week in which they checked in.
CREATE TABLE member_weeks (
    week_start     TEXT    NOT NULL,                  -- the Monday, YYYY-MM-DD
    user_id        INTEGER NOT NULL,
    checkins       INTEGER NOT NULL,
    mood_sum       INTEGER NOT NULL,
    confidence_sum INTEGER NOT NULL,
    PRIMARY KEY (week_start, user_id)
) WITHOUT ROWID;

-- One row per member with a check-in: their first and last day, and the mean confidence of
-- their first and of their last 14 days (the confidence change in /stats).
CREATE TABLE member_spans (
    user_id          INTEGER PRIMARY KEY,
    first_date       TEXT NOT NULL,
    last_date        TEXT NOT NULL,
    first_confidence REAL NOT NULL,
    last_confidence  REAL NOT NULL
);

-- Writing (member, day) here recomputes that member's week and span from their check-ins:
-- at most 7 + 2 x 14 rows through the (user_id, local_date) key. Recomputing, not adding
-- up, makes inserts, changes and deletes the same simple case.
CREATE VIEW checkin_refresh (user_id, local_date) AS SELECT NULL, NULL WHERE 0;

CREATE TRIGGER checkin_refresh_summaries INSTEAD OF INSERT ON checkin_refresh
BEGIN
    DELETE FROM member_weeks
    WHERE week_start = date(NEW.local_date, 'weekday 0', '-6 days') AND user_id = NEW.user_id;
    INSERT INTO member_weeks (week_start, user_id, checkins, mood_sum, confidence_sum)
    SELECT w.monday, NEW.user_id, COUNT(*), SUM(c.mood), SUM(c.confidence)
    FROM (SELECT date(NEW.local_date, 'weekday 0', '-6 days') AS monday) w
    JOIN checkins c ON c.user_id = NEW.user_id
                   AND c.local_date BETWEEN w.monday AND date(w.monday, '+6 days')
    GROUP BY w.monday;

    DELETE FROM member_spans WHERE user_id = NEW.user_id;
    INSERT INTO member_spans (user_id, first_date, last_date, first_confidence, last_confidence)
    SELECT NEW.user_id, s.first, s.last,
           (SELECT AVG(confidence) FROM checkins
            WHERE user_id = NEW.user_id AND local_date < date(s.first, '+14 days')),
           (SELECT AVG(confidence) FROM checkins
            WHERE user_id = NEW.user_id AND local_date > date(s.last, '-14 days'))
    FROM (SELECT MIN(local_date) AS first, MAX(local_date) AS last
          FROM checkins WHERE user_id = NEW.user_id) s
    WHERE s.first IS NOT NULL;
END;

CREATE TRIGGER checkins_summarise_insert AFTER INSERT ON checkins
BEGIN
    INSERT INTO checkin_refresh VALUES (NEW.user_id, NEW.local_date);
END;

-- A private note changes no figure, so only these columns trigger a refresh.
CREATE TRIGGER checkins_summarise_update
AFTER UPDATE OF user_id, local_date, mood, confidence ON checkins
BEGIN
    INSERT INTO checkin_refresh VALUES (NEW.user_id, NEW.local_date);
    INSERT INTO checkin_refresh SELECT OLD.user_id, OLD.local_date
    WHERE OLD.user_id IS NOT NEW.user_id OR OLD.local_date IS NOT NEW.local_date;
END;

CREATE TRIGGER checkins_summarise_delete AFTER DELETE ON checkins
BEGIN
    INSERT INTO checkin_refresh VALUES (OLD.user_id, OLD.local_date);
END;

-- The check-ins already stored.
INSERT INTO member_weeks (week_start, user_id, checkins, mood_sum, confidence_sum)
SELECT date(local_date, 'weekday 0', '-6 days') AS monday, user_id, COUNT(*), SUM(mood),
       SUM(confidence)
FROM checkins GROUP BY user_id, monday;

-- Spans through the same refresh the triggers use: once per member, by their last day
-- (which also recomputes that one week, harmlessly).
INSERT INTO checkin_refresh
SELECT m.user_id, (SELECT MAX(local_date) FROM checkins WHERE user_id = m.user_id) AS last
FROM members m WHERE last IS NOT NULL;

-- /stats no longer reads mood and confidence through the date index, and every page an
-- answer changes is written to the log again (4 pages a re-answered check-in instead of
-- 6): a day index alone, which a changed answer leaves alone, counts a week's check-ins.
DROP INDEX checkins_by_date;
CREATE INDEX checkins_by_day ON checkins (local_date);
