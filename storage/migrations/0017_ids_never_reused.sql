-- Ids that buttons carry are never handed out again. Without AUTOINCREMENT SQLite gives the
-- next row the largest id still present plus one, so once the newest relay, goal or
-- questionnaire sitting is deleted (a /forget, a discarded draft, answers deleted) the next
-- one takes its id, and a button still showing the old one (rl:t:<relay>, pm:ok:<relay>,
-- gl:k:<goal>, oc:a:<sitting>) would act on it. These tables cannot be rebuilt with
-- AUTOINCREMENT as 0015 did for crisis alerts and reports: others reference relays and goals
-- with ON DELETE CASCADE, so dropping the old table would delete those rows too.
--
-- Instead each keeps a high-water mark: the largest id it ever deleted, raised by a trigger
-- on every deletion (cascaded ones included), and storage gives a new row
-- max(largest id present, high water) + 1 (storage/ids.py).
CREATE TABLE id_high_water (
    name TEXT    PRIMARY KEY,  -- the table
    high INTEGER NOT NULL      -- the largest id it deleted (0: none yet)
) WITHOUT ROWID;
INSERT INTO id_high_water (name, high)
VALUES ('relays', (SELECT coalesce(max(id), 0) FROM relays)),
       ('goals', (SELECT coalesce(max(id), 0) FROM goals)),
       ('outcome_responses', (SELECT coalesce(max(id), 0) FROM outcome_responses));

CREATE TRIGGER relays_id_retired AFTER DELETE ON relays
WHEN OLD.id > (SELECT high FROM id_high_water WHERE name = 'relays')
BEGIN
    UPDATE id_high_water SET high = OLD.id WHERE name = 'relays';
END;
CREATE TRIGGER goals_id_retired AFTER DELETE ON goals
WHEN OLD.id > (SELECT high FROM id_high_water WHERE name = 'goals')
BEGIN
    UPDATE id_high_water SET high = OLD.id WHERE name = 'goals';
END;
CREATE TRIGGER outcome_responses_id_retired AFTER DELETE ON outcome_responses
WHEN OLD.id > (SELECT high FROM id_high_water WHERE name = 'outcome_responses')
BEGIN
    UPDATE id_high_water SET high = OLD.id WHERE name = 'outcome_responses';
END;
