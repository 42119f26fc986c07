-- Which central workshop each satellite workshop belongs to, as matching's
-- organisation.registered|updated tell it (the newest by event time wins), so that a central
-- workshop's staff can list its satellites' placements. Caseplan never decides the network.
CREATE TABLE organisation_network (
    organisation_id     uuid PRIMARY KEY,
    central_workshop_id uuid,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX organisation_network_central_idx ON organisation_network (central_workshop_id)
    WHERE central_workshop_id IS NOT NULL;

-- A workshop's or employer's placements, a page at a time by id (newest first).
CREATE INDEX placement_organisation_idx ON placement (organisation_id, placement_id);
