-- Each replica keeps the open openings in memory (services/matching/catalog.py) and, before it
-- proposes, reloads only the rows written by transactions it could not see the last time: every
-- opening row carries the id of the transaction that last wrote it.
ALTER TABLE opening ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX opening_changed_xid ON opening (changed_xid);

CREATE FUNCTION opening_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_xid := pg_current_xact_id();
    RETURN NEW;
END
$$;
CREATE TRIGGER opening_touch BEFORE UPDATE ON opening
    FOR EACH ROW EXECUTE FUNCTION opening_touch();
