-- Participants as intake knows them. Personal data never leaves this schema.
CREATE TABLE participant (
    participant_id uuid PRIMARY KEY,
    id_hash        bytea       NOT NULL UNIQUE,
    municipality   text        NOT NULL,
    profile        jsonb       NOT NULL,
    personal       bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_municipality_idx ON participant (municipality);

CREATE TABLE idempotency_key (
    key          text PRIMARY KEY,
    request_hash text        NOT NULL,
    status_code  integer     NOT NULL,
    response     jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
