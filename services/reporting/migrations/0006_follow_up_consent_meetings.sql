-- Consent by purpose: when the participant withdrew consent to follow-up contact; their
-- six-month follow-up is not collected and counts as unknown.
ALTER TABLE participant_privacy ADD COLUMN follow_up_withdrawn_at timestamptz;
