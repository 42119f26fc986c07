-- Erasure is for good: a late, replayed or reordered registration, correction or withdrawal
-- of an erased participant never opens or touches a case plan again. Only the pseudonymous
-- id and when: no personal data (the plan itself is cut from the person on erasure).
CREATE TABLE participant_tombstone (
    participant_id uuid PRIMARY KEY,
    erased_at      timestamptz NOT NULL
);
