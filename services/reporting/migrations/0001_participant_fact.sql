-- Reporting's read model: built only from events, rebuilt from event_log on demand.

-- Every consumed envelope, raw, append-only: the source a rebuild replays.
CREATE TABLE event_log (
    seq          bigserial   PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    type         text        NOT NULL,
    occurred_at  timestamptz NOT NULL,
    envelope     json        NOT NULL,
    logged_at    timestamptz NOT NULL DEFAULT now()
);
-- An erasure finds a participant's events by this.
CREATE INDEX event_log_participant_idx ON event_log ((envelope -> 'payload' ->> 'participant_id'));

-- Status at entry, frozen at the first registration.
CREATE TABLE participant_fact (
    participant_id             uuid PRIMARY KEY,
    municipality               text    NOT NULL,
    registered_on              date    NOT NULL,
    age_at_entry               int,
    age_band                   text    NOT NULL DEFAULT 'unknown',
    sex                        text    NOT NULL DEFAULT 'unknown',
    labour_market_status       text    NOT NULL,
    months_unemployed          int     NOT NULL DEFAULT 0,
    in_education_or_training   boolean NOT NULL DEFAULT false,
    isced_level                int,
    risk_groups                text[]  NOT NULL DEFAULT '{}',
    special_categories_refused boolean NOT NULL DEFAULT false,
    registrations              int     NOT NULL DEFAULT 1
);

CREATE TABLE participant_privacy (
    participant_id       uuid PRIMARY KEY,
    consent_withdrawn_at timestamptz,
    erased_at            timestamptz
);

CREATE TABLE case_fact (
    participant_id      uuid PRIMARY KEY,
    case_plan_id        uuid NOT NULL,
    opened_on           date,
    waitlisted_on       date,
    priority            boolean NOT NULL DEFAULT false,
    support_worker_id   uuid,
    organisation_id     uuid,
    assigned_on         date,
    ready_for_matching_at timestamptz
);

CREATE TABLE activity_fact (
    activity_id     uuid PRIMARY KEY,
    participant_id  uuid NOT NULL,
    activity_type   text NOT NULL,
    status          text NOT NULL,
    organisation_id uuid,
    starts_on       date,
    ends_on         date,
    recorded_at     timestamptz NOT NULL
);

CREATE TABLE activity_hours (
    event_id        uuid PRIMARY KEY,
    activity_id     uuid NOT NULL,
    participant_id  uuid NOT NULL,
    activity_type   text NOT NULL,
    hours           numeric NOT NULL,
    worked_on       date NOT NULL
);

CREATE TABLE placement_fact (
    placement_id    uuid PRIMARY KEY,
    participant_id  uuid NOT NULL,
    organisation_id uuid NOT NULL,
    opening_id      uuid,
    opening_kind    text,
    starts_on       date,
    ended_on        date,
    outcome         text
);

CREATE TABLE placement_hours (
    event_id        uuid PRIMARY KEY,
    placement_id    uuid NOT NULL,
    participant_id  uuid NOT NULL,
    organisation_id uuid NOT NULL,
    hours           numeric NOT NULL,
    worked_on       date NOT NULL
);

-- Re-entry: one participant per operation, the exit date becomes the last exit.
CREATE TABLE exit_fact (
    participant_id   uuid PRIMARY KEY,
    case_plan_id     uuid NOT NULL,
    outcome          text NOT NULL,
    exited_on        date NOT NULL,
    follow_up_due_on date NOT NULL
);

CREATE TABLE follow_up_fact (
    participant_id  uuid PRIMARY KEY,
    outcome         text NOT NULL,
    followed_up_on  date NOT NULL
);

CREATE TABLE opening_fact (
    opening_id        uuid PRIMARY KEY,
    organisation_id   uuid NOT NULL,
    organisation_kind text NOT NULL,
    municipality      text NOT NULL,
    kind              text NOT NULL,
    seats             int  NOT NULL,
    posted_on         date NOT NULL,
    updated_at        timestamptz NOT NULL
);

-- Kept apart so a close that arrives before the posting is not lost.
CREATE TABLE opening_closed (
    opening_id      uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    closed_on       date NOT NULL
);

CREATE TABLE match_fact (
    match_id        uuid PRIMARY KEY,
    participant_id  uuid NOT NULL,
    opening_id      uuid NOT NULL,
    organisation_id uuid NOT NULL,
    proposed_on     date,
    accepted_on     date,
    declined_on     date,
    expired_on      date
);

-- Erased participants: a hash of the old id -> their anonymous id, so events that arrive
-- after the erasure are counted under the anonymous id. Kept through rebuilds.
CREATE TABLE erased_participant (
    id_hash       text PRIMARY KEY,
    anonymous_id  uuid NOT NULL,
    erased_at     timestamptz NOT NULL
);
