-- Idempotency-Key answers, applied into every service's schema (each reads only its own).
-- Keyed by (organisation, key): two callers cannot collide. status_code 0 = being answered.
CREATE TABLE idempotent_request (
    organisation text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status_code  integer     NOT NULL,
    response     jsonb       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organisation, key)
);
CREATE INDEX idempotent_request_created_idx ON idempotent_request (created_at);
