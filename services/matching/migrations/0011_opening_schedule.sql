-- A mobile work-practice centre's schedule of stops on its opening (issue 21): where it is
-- from which day to which; matching counts distance from the stop covering the day.
ALTER TABLE opening ADD COLUMN IF NOT EXISTS schedule jsonb NOT NULL DEFAULT '[]'::jsonb;
