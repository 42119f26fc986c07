-- Consent by purpose: a participant who withdrew consent to matching (or to case management,
-- on which matching rests) is remembered like an erased one here: a late, replayed or
-- reordered registration, correction or readiness never puts them back in the pool.
ALTER TABLE participant_tombstone ADD COLUMN matching_withdrawn_at timestamptz;
ALTER TABLE participant_tombstone DROP CONSTRAINT participant_tombstone_check;
ALTER TABLE participant_tombstone ADD CONSTRAINT participant_tombstone_check
    CHECK (erased_at IS NOT NULL OR exited_at IS NOT NULL OR matching_withdrawn_at IS NOT NULL);
