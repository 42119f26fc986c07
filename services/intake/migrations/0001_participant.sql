-- Participants as intake knows them. Personal data never leaves this schema:
-- the national id only as a keyed hash, names/contact/home sealed with AES-GCM.
CREATE TABLE participant (
    participant_id       uuid        PRIMARY KEY,
    id_hash              bytea       NOT NULL UNIQUE,
    municipality         text        NOT NULL,
    registered_on        date        NOT NULL,
    profile              jsonb       NOT NULL,
    personal             bytea       NOT NULL,
    consent              jsonb       NOT NULL,
    consent_withdrawn_at timestamptz,
    registrations        integer     NOT NULL DEFAULT 1,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_municipality_idx ON participant (municipality, participant_id);

CREATE TABLE idempotency_key (
    key          text PRIMARY KEY,
    request_hash text        NOT NULL,
    status_code  integer     NOT NULL,
    response     jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
