-- Consent by purpose: when the participant withdrew consent to follow-up contact; their
-- six-month follow-up is not collected and counts as unknown.
ALTER TABLE participant_privacy ADD COLUMN follow_up_withdrawn_at timestamptz;

-- Meetings held by support workers, with one participant or a team meeting (no participant),
-- and their attendance summed: one row per meeting, each event's upsert commutative.
CREATE TABLE meeting_fact (
    meeting_id         uuid PRIMARY KEY,
    organisation_id    uuid NOT NULL,
    support_worker_id  uuid NOT NULL,
    kind               text NOT NULL,
    participant_id     uuid,
    municipality       text,
    starts_on          date NOT NULL,
    cancelled_on       date,
    held_on            date,
    participant_status text,
    present            int  NOT NULL DEFAULT 0,
    excused            int  NOT NULL DEFAULT 0,
    no_show            int  NOT NULL DEFAULT 0
);
CREATE INDEX meeting_fact_starts_idx ON meeting_fact (starts_on);
CREATE INDEX meeting_fact_participant_idx ON meeting_fact (participant_id)
    WHERE participant_id IS NOT NULL;
