-- When the follow-up job told that a closed case's follow-up fell due
-- (participant.follow_up_due, once per case).
ALTER TABLE case_plan ADD COLUMN follow_up_told_at timestamptz;
CREATE INDEX case_plan_follow_up_untold_idx ON case_plan (follow_up_due_on)
    WHERE follow_up_told_at IS NULL AND follow_up_outcome IS NULL;
