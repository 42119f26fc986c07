-- Notifications: what a person is told, recorded in the transaction of the fact that causes
-- it (an event's inbox entry, or the web front's own write), sent by the mailer with retries.
ALTER TABLE person ADD COLUMN notify_email text NOT NULL DEFAULT 'immediate'
    CHECK (notify_email IN ('immediate', 'daily', 'off'));

CREATE TABLE notification (
    notification_id uuid        PRIMARY KEY,
    person_id       uuid        NOT NULL REFERENCES person ON DELETE CASCADE,
    kind            text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    link            text,
    -- queued: to send; held: waits for the person's daily digest; sent; failed: will be
    -- retried at next_attempt_at; given_up: after the last attempt; not_mailed: e-mail off
    status          text        NOT NULL CHECK (status IN
                        ('queued', 'held', 'sent', 'failed', 'given_up', 'not_mailed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    transport       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    cause_id        uuid
);
CREATE INDEX notification_due_idx ON notification (next_attempt_at)
    WHERE status IN ('queued', 'failed');
CREATE INDEX notification_held_idx ON notification (person_id, created_at) WHERE status = 'held';
CREATE INDEX notification_person_idx ON notification (person_id, created_at DESC);
-- One notice per person per cause: an event delivered twice tells nobody twice.
CREATE UNIQUE INDEX notification_cause_idx ON notification (person_id, kind, cause_id)
    WHERE cause_id IS NOT NULL;

-- What the web front needs to know to address a notice: the organisation keeping each
-- participant's case and each opening's title (from caseplan's and matching's events).
CREATE TABLE case_organisation (
    participant_id  uuid PRIMARY KEY,
    organisation_id uuid NOT NULL
);
CREATE TABLE opening_title (
    opening_id      uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    title           text NOT NULL
);
