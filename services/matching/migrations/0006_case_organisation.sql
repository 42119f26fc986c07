-- The support organisation holding the participant's case (from participant.ready_for_matching):
-- its support workers read the participant's proposals and why there are none.
ALTER TABLE candidate ADD COLUMN case_organisation_id uuid;
-- Why an organisation declined, as a code (not_reachable, position_filled, skills_do_not_fit,
-- participant_declined, other); `reason` keeps the words. Declines from before the codes
-- have none (read as other).
ALTER TABLE match ADD COLUMN decline_code text;
