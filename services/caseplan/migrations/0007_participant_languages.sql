-- The languages a participant speaks (intake's profile), so a case goes to a support worker
-- who shares one. Plans opened before this migration know none: assigned by capacity alone.
ALTER TABLE case_plan ADD COLUMN languages text[] NOT NULL DEFAULT '{}';
ALTER TABLE waiting_entry ADD COLUMN languages text[] NOT NULL DEFAULT '{}';
