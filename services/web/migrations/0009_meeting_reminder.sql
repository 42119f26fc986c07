-- Meetings to remind of: the web front's own projection of caseplan's meeting events (no
-- participant), so a timer can tell the organisation's support workers the day before. A
-- cancelled meeting stays as a mark, so a `meeting.scheduled` heard after its cancellation
-- tells nobody.
CREATE TABLE meeting_reminder (
    meeting_id      uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL,
    kind            text        NOT NULL,
    starts_at       timestamptz NOT NULL,
    cancelled       boolean     NOT NULL DEFAULT false,
    reminded_at     timestamptz
);
CREATE INDEX meeting_reminder_due_idx ON meeting_reminder (starts_at)
    WHERE reminded_at IS NULL AND NOT cancelled;
