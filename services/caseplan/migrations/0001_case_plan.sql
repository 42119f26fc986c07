CREATE TABLE support_worker (
    support_worker_id uuid PRIMARY KEY,
    organisation_id   uuid,
    municipalities    text[]      NOT NULL DEFAULT '{}',
    languages         text[]      NOT NULL DEFAULT '{}',
    contact           text,
    caseload_limit    integer     NOT NULL DEFAULT 8 CHECK (caseload_limit >= 1),
    caseload          integer     NOT NULL DEFAULT 0 CHECK (caseload >= 0),
    active            boolean     NOT NULL DEFAULT true,
    seq               bigserial   NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- The last line of defence for the capacity rule; assignment also holds a lock.
    CONSTRAINT caseload_within_limit CHECK (caseload <= caseload_limit)
);

CREATE TABLE case_plan (
    case_plan_id      uuid PRIMARY KEY,
    participant_id    uuid        NOT NULL UNIQUE,
    municipality      text        NOT NULL,
    organisation_id   uuid,
    opened_on         date        NOT NULL,
    planned_end_on    date        NOT NULL,
    status            text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    support_worker_id uuid REFERENCES support_worker,
    ready_for_matching boolean    NOT NULL DEFAULT false,
    opening_kinds     text[]      NOT NULL DEFAULT '{}',
    closed_because    text,
    exit_outcome      text,
    exited_on         date,
    follow_up_due_on  date,
    follow_up_outcome text,
    followed_up_on    date,
    notes             text,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_plan_worker_idx ON case_plan (support_worker_id) WHERE status = 'open';
CREATE INDEX case_plan_follow_up_idx ON case_plan (follow_up_due_on)
    WHERE follow_up_outcome IS NULL AND follow_up_due_on IS NOT NULL;

CREATE TABLE waiting_entry (
    case_plan_id    uuid PRIMARY KEY REFERENCES case_plan ON DELETE CASCADE,
    participant_id  uuid        NOT NULL UNIQUE,
    municipality    text        NOT NULL,
    organisation_id uuid,
    priority        boolean     NOT NULL DEFAULT false,
    seq             bigserial   NOT NULL UNIQUE,
    waitlisted_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE goal (
    goal_id      uuid PRIMARY KEY,
    case_plan_id uuid        NOT NULL REFERENCES case_plan ON DELETE CASCADE,
    title        text        NOT NULL,
    description  text,
    target_on    date,
    achieved     boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activity (
    activity_id     uuid PRIMARY KEY,
    case_plan_id    uuid          NOT NULL REFERENCES case_plan ON DELETE CASCADE,
    activity_type   text          NOT NULL,
    status          text          NOT NULL,
    provider_kind   text,
    organisation_id uuid,
    starts_on       date,
    ends_on         date,
    hours_logged    numeric(10,2) NOT NULL DEFAULT 0,
    note            text,
    created_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX activity_case_plan_idx ON activity (case_plan_id);

CREATE TABLE activity_hours (
    id          bigserial PRIMARY KEY,
    activity_id uuid          NOT NULL REFERENCES activity ON DELETE CASCADE,
    worked_on   date          NOT NULL,
    hours       numeric(6,2)  NOT NULL CHECK (hours > 0 AND hours <= 24),
    logged_at   timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX activity_hours_day_idx ON activity_hours (activity_id, worked_on);

CREATE TABLE placement (
    placement_id    uuid PRIMARY KEY,
    case_plan_id    uuid          NOT NULL REFERENCES case_plan ON DELETE CASCADE,
    participant_id  uuid          NOT NULL,
    match_id        uuid UNIQUE,
    organisation_id uuid          NOT NULL,
    opening_id      uuid,
    opening_kind    text,
    starts_on       date          NOT NULL,
    hours_per_week  double precision NOT NULL DEFAULT 0,
    status          text          NOT NULL DEFAULT 'active',
    outcome         text,
    ended_on        date,
    hours_logged    numeric(10,2) NOT NULL DEFAULT 0,
    created_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX placement_case_plan_idx ON placement (case_plan_id);

CREATE TABLE placement_hours (
    id           bigserial PRIMARY KEY,
    placement_id uuid         NOT NULL REFERENCES placement ON DELETE CASCADE,
    worked_on    date         NOT NULL,
    hours        numeric(6,2) NOT NULL CHECK (hours > 0 AND hours <= 24),
    logged_at    timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX placement_hours_day_idx ON placement_hours (placement_id, worked_on);

CREATE TABLE placement_attendance (
    placement_id uuid    NOT NULL REFERENCES placement ON DELETE CASCADE,
    attended_on  date    NOT NULL,
    present      boolean NOT NULL,
    PRIMARY KEY (placement_id, attended_on)
);
