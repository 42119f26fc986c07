-- Unpublished events are the ids in outbox_pending; outbox itself is written once.
-- Marking a row published used to UPDATE it: a second copy of the body in the WAL, new
-- entries in three indexes, and a partial index whose dead entries every scan for
-- unpublished rows walked until the next VACUUM. Now the relay deletes a few bytes from a
-- small queue table instead (bench/README.md has the figures).
CREATE TABLE outbox_pending (id bigint PRIMARY KEY)
    WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
          autovacuum_vacuum_cost_delay = 0);
INSERT INTO outbox_pending (id) SELECT id FROM outbox WHERE published_at IS NULL;
DROP INDEX outbox_unpublished_idx;
DROP INDEX outbox_published_at_idx;
ALTER TABLE outbox DROP COLUMN published_at;
CREATE INDEX outbox_created_at_idx ON outbox (created_at);
