-- Unpublished events are the ids in outbox_pending; an outbox row is written once.
-- Marking a row published used to UPDATE it: a second copy of the body in the WAL, new
-- entries in three indexes, and a partial index whose dead entries every scan for
-- unpublished rows walked until the next VACUUM. The relay now deletes a few bytes from a
-- small queue table instead (bench/README.md has the figures).
CREATE TABLE outbox_pending (id bigint PRIMARY KEY)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
          autovacuum_vacuum_cost_delay = 0);
INSERT INTO outbox_pending (id) SELECT id FROM outbox WHERE published_at IS NULL;
DROP INDEX outbox_unpublished_idx;
DROP INDEX outbox_published_at_idx;
ALTER TABLE outbox DROP COLUMN published_at;
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- Whoever writes to the outbox (a use case, a bulk statement, a CLI), its rows are queued
-- and the relays are told which ids to publish ("first,last"), once per statement; the
-- NOTIFY is delivered when the transaction commits.
CREATE FUNCTION outbox_queue() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
DECLARE
    first_id bigint;
    last_id bigint;
BEGIN
    INSERT INTO outbox_pending (id) SELECT id FROM added;
    SELECT min(id), max(id) INTO first_id, last_id FROM added;
    IF first_id IS NOT NULL THEN
        PERFORM pg_notify('polku_outbox_' || TG_TABLE_SCHEMA, first_id || ',' || last_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_queue AFTER INSERT ON outbox
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION outbox_queue();
