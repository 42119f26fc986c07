-- The candidate pool grows into what matching needs to search it without comparing all pairs.
ALTER TABLE candidate
    ADD COLUMN languages              text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN skills                 text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN grid_cell              text,
    ADD COLUMN telework_ready         boolean     NOT NULL DEFAULT false,
    ADD COLUMN reach_km               double precision NOT NULL DEFAULT 0,
    ADD COLUMN ready_at               timestamptz,
    ADD COLUMN opening_kinds          text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN support_worker_contact text,
    ADD COLUMN placed_at              timestamptz,
    ADD COLUMN updated_at             timestamptz NOT NULL DEFAULT now();
CREATE INDEX candidate_ready_cell ON candidate (grid_cell) WHERE ready_at IS NOT NULL;
CREATE INDEX candidate_ready_telework ON candidate (telework_ready) WHERE ready_at IS NOT NULL;

CREATE TABLE organisation (
    organisation_id uuid PRIMARY KEY,
    name            text        NOT NULL,
    kind            text        NOT NULL,
    municipality    text        NOT NULL,
    lat             double precision,
    lon             double precision,
    webhook_url     text,
    webhook_secret  text        NOT NULL,  -- AES-GCM encrypted, base64
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE opening (
    opening_id      uuid PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisation,
    title           text        NOT NULL,
    kind            text        NOT NULL,
    seats           integer     NOT NULL CHECK (seats >= 0),
    lat             double precision,
    lon             double precision,
    grid_cell       text,
    remote          boolean     NOT NULL DEFAULT false,
    required_skills text[]      NOT NULL DEFAULT '{}',
    nice_skills     text[]      NOT NULL DEFAULT '{}',
    languages       text[]      NOT NULL DEFAULT '{}',
    hours_min       integer     NOT NULL DEFAULT 0,
    hours_max       integer     NOT NULL DEFAULT 40,
    accessibility   text[]      NOT NULL DEFAULT '{}',
    eligible_groups text[]      NOT NULL DEFAULT '{}',
    tags            text[]      NOT NULL DEFAULT '{}',
    starts_on       date,
    ends_on         date,
    low_threshold   boolean     NOT NULL DEFAULT true,
    status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opening_open_cell ON opening (grid_cell) WHERE status = 'open';
CREATE INDEX opening_open_remote ON opening (remote) WHERE status = 'open';
CREATE INDEX opening_organisation ON opening (organisation_id);

CREATE TABLE match (
    match_id        uuid PRIMARY KEY,
    participant_id  uuid        NOT NULL,
    opening_id      uuid        NOT NULL REFERENCES opening,
    organisation_id uuid        NOT NULL REFERENCES organisation,
    status          text        NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'declined', 'expired', 'withdrawn')),
    score           double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
    explanation     jsonb       NOT NULL,
    reason          text,
    proposed_at     timestamptz NOT NULL DEFAULT now(),
    decided_at      timestamptz,
    UNIQUE (participant_id, opening_id)  -- a pair is proposed at most once
);
CREATE INDEX match_live_participant ON match (participant_id) WHERE status = 'proposed';
CREATE INDEX match_opening_status ON match (opening_id, status);
CREATE INDEX match_organisation_status ON match (organisation_id, status, proposed_at);
CREATE INDEX match_live_age ON match (proposed_at) WHERE status = 'proposed';

CREATE TABLE webhook_delivery (
    delivery_id     uuid PRIMARY KEY,
    organisation_id uuid        NOT NULL REFERENCES organisation,
    match_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';
