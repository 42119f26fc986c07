-- Transfers between municipalities: a registration by another municipality never moves a
-- person; it records a request here, which the current municipality or an operator decides.
-- No personal data: the participant's pseudonymous id and two municipality names.
CREATE TABLE transfer_request (
    transfer_id       uuid        PRIMARY KEY,
    participant_id    uuid        NOT NULL REFERENCES participant ON DELETE CASCADE,
    from_municipality text        NOT NULL,
    to_municipality   text        NOT NULL,
    status            text        NOT NULL DEFAULT 'requested'
                                  CHECK (status IN ('requested', 'approved', 'declined')),
    requested_at      timestamptz NOT NULL DEFAULT now(),
    requested_by      uuid,
    decided_at        timestamptz,
    decided_by        uuid,
    UNIQUE (participant_id, to_municipality)
);
CREATE INDEX transfer_request_from_idx ON transfer_request (from_municipality, status);
