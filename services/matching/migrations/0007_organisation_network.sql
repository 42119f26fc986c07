-- Issue 19. A satellite workshop belongs to a central one (one level: validated in
-- domain/network.py); organisations can be edited. Openings get a description and can be
-- paused (no new proposals while paused). Placements are known from caseplan's events, so a
-- workshop or employer can see its placements' ids (no participant id is kept here).
ALTER TABLE organisation
    ADD COLUMN central_workshop_id uuid REFERENCES organisation,
    ADD COLUMN updated_at          timestamptz NOT NULL DEFAULT now();
CREATE INDEX organisation_central ON organisation (central_workshop_id)
    WHERE central_workshop_id IS NOT NULL;

ALTER TABLE opening
    ADD COLUMN description text    NOT NULL DEFAULT '',
    ADD COLUMN paused      boolean NOT NULL DEFAULT false;

CREATE TABLE placement (
    placement_id    uuid PRIMARY KEY,
    organisation_id uuid        NOT NULL,
    opening_id      uuid,
    match_id        uuid,
    starts_on       date,
    hours_per_week  double precision,
    ended_on        date,
    outcome         text,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX placement_organisation ON placement (organisation_id, placement_id);
