-- Which organisations serve which municipality: set by the municipality (or an admin).
-- Support workers serve only municipalities their organisation has a live agreement with.
CREATE TABLE service_agreement (
    agreement_id    uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL,
    municipality    text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      uuid,
    ended_at        timestamptz,
    ended_by        uuid
);
-- At most one live agreement per organisation and municipality.
CREATE UNIQUE INDEX service_agreement_live_idx ON service_agreement (organisation_id, municipality)
    WHERE ended_at IS NULL;
