-- PostgreSQL's spelling of storage/migrations/0017_ids_never_reused.sql. A trigger's WHEN
-- cannot read another table here, so the function compares instead.
CREATE TABLE id_high_water (
    name text   PRIMARY KEY,
    high bigint NOT NULL
);
INSERT INTO id_high_water (name, high)
VALUES ('relays', (SELECT coalesce(max(id), 0) FROM relays)),
       ('goals', (SELECT coalesce(max(id), 0) FROM goals)),
       ('outcome_responses', (SELECT coalesce(max(id), 0) FROM outcome_responses));

CREATE FUNCTION id_retired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE id_high_water SET high = OLD.id WHERE name = TG_TABLE_NAME AND high < OLD.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER relays_id_retired AFTER DELETE ON relays
    FOR EACH ROW EXECUTE FUNCTION id_retired();
CREATE TRIGGER goals_id_retired AFTER DELETE ON goals
    FOR EACH ROW EXECUTE FUNCTION id_retired();
CREATE TRIGGER outcome_responses_id_retired AFTER DELETE ON outcome_responses
    FOR EACH ROW EXECUTE FUNCTION id_retired();
