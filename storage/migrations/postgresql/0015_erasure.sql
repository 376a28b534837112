-- PostgreSQL's spelling of storage/migrations/0015_erasure.sql. The member key is the
-- column's default (SQLite fills it from a trigger), the pseudonym triggers skip a name
-- already kept with ON CONFLICT DO NOTHING, and the audit log's one permitted update is
-- the trigger's WHEN. Left out: the repairs of keys and messages written by older versions,
-- and the rebuilds of crisis_alerts and reports, whose identities never hand an id out
-- again already (0003, 0004).
ALTER TABLE members ADD COLUMN member_key text
    DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
CREATE UNIQUE INDEX members_key ON members (member_key);

CREATE TABLE member_pseudonyms (
    user_id   bigint NOT NULL REFERENCES members (user_id) ON DELETE CASCADE,
    pseudonym text   NOT NULL,
    PRIMARY KEY (user_id, pseudonym)
);
CREATE FUNCTION members_pseudonym_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_pseudonyms (user_id, pseudonym) VALUES (NEW.user_id, NEW.pseudonym)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER members_pseudonym_kept AFTER INSERT ON members
    FOR EACH ROW EXECUTE FUNCTION members_pseudonym_kept();
CREATE TRIGGER members_pseudonym_changed AFTER UPDATE OF pseudonym ON members
    FOR EACH ROW EXECUTE FUNCTION members_pseudonym_kept();

DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW
    WHEN (NOT (
        NEW.id IS NOT DISTINCT FROM OLD.id AND NEW.at IS NOT DISTINCT FROM OLD.at
        AND NEW.moderator_id IS NOT DISTINCT FROM OLD.moderator_id
        AND NEW.moderator_name IS NOT DISTINCT FROM OLD.moderator_name
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.target IS NOT DISTINCT FROM '(a former member)' AND NEW.reason IS NULL
    ))
    EXECUTE FUNCTION audit_log_refuse(
        'the audit log is append-only: only a forgotten member''s name and reason may be erased'
    );
