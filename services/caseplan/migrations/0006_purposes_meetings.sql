-- Consent by purpose: which purposes the participant withdrew, and when (the first time is
-- kept), as [{"purpose": "follow_up", "withdrawn_at": "..."}]. No personal data.
ALTER TABLE case_plan ADD COLUMN consent_withdrawals jsonb NOT NULL DEFAULT '[]'::jsonb;

-- Meetings: a support worker meets one participant (a case plan), or holds a team meeting
-- (no case plan). The participant is the case plan's, so erasure and retention, which cut a
-- plan from its person, cut its meetings too.
CREATE TABLE meeting (
    meeting_id        uuid PRIMARY KEY,
    organisation_id   uuid        NOT NULL,
    support_worker_id uuid        NOT NULL REFERENCES support_worker,
    kind              text        NOT NULL CHECK (kind IN ('participant_meeting', 'team_meeting')),
    case_plan_id      uuid REFERENCES case_plan,
    municipality      text,
    starts_at         timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'scheduled'
                                  CHECK (status IN ('scheduled', 'held', 'cancelled')),
    held_on           date,
    cancelled_on      date,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'team_meeting') = (case_plan_id IS NULL))
);
CREATE INDEX meeting_organisation_idx ON meeting (organisation_id, starts_at);
CREATE INDEX meeting_case_plan_idx ON meeting (case_plan_id, starts_at) WHERE case_plan_id IS NOT NULL;

-- Each attendee's attendance, recorded once when the meeting was held.
CREATE TABLE meeting_attendance (
    meeting_id uuid    NOT NULL REFERENCES meeting ON DELETE CASCADE,
    seq        integer NOT NULL,
    role       text    NOT NULL CHECK (role IN ('participant', 'support_worker', 'other')),
    label      text,
    status     text    NOT NULL CHECK (status IN ('present', 'excused', 'no_show')),
    PRIMARY KEY (meeting_id, seq),
    CHECK (status <> 'no_show' OR role = 'participant')
);
