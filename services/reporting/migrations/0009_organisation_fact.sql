-- Issue 19: organisations as matching's organisation.registered/updated events describe them,
-- so figures can be grouped by central workshop (a satellite names its central one).
CREATE TABLE organisation_fact (
    organisation_id     uuid PRIMARY KEY,
    name                text        NOT NULL,
    kind                text        NOT NULL,
    municipality        text        NOT NULL,
    central_workshop_id uuid,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX organisation_fact_central ON organisation_fact (central_workshop_id)
    WHERE central_workshop_id IS NOT NULL;

-- matching's match.withdrawn (issue 19): when a live proposal was withdrawn.
ALTER TABLE match_fact ADD COLUMN withdrawn_on date;
