-- Who left for good: erased (GDPR) or exited. A late, replayed or reordered registration,
-- correction or readiness never puts an erased participant back in the pool, and never makes
-- an exited one proposable again. Only the pseudonymous id and when: no personal data.
CREATE TABLE participant_tombstone (
    participant_id uuid PRIMARY KEY,
    erased_at      timestamptz,
    exited_at      timestamptz,
    CHECK (erased_at IS NOT NULL OR exited_at IS NOT NULL)
);
