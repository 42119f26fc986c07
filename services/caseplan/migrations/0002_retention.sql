-- Retention: closed case plans past the retention period are anonymised (not deleted, so
-- the network's counts stay right); this marks when.
ALTER TABLE case_plan ADD COLUMN anonymised_at timestamptz;
CREATE INDEX case_plan_retention_idx ON case_plan (status) WHERE anonymised_at IS NULL;
