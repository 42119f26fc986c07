CREATE TABLE case_plan (
    case_plan_id   uuid PRIMARY KEY,
    participant_id uuid        NOT NULL UNIQUE,
    municipality   text        NOT NULL,
    opened_on      date        NOT NULL,
    planned_end_on date        NOT NULL,
    status         text        NOT NULL DEFAULT 'open',
    created_at     timestamptz NOT NULL DEFAULT now()
);
