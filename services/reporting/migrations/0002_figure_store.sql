-- Reporting's query side: what each participant contributes to the figures, and the sums.
-- Maintained by the figure aggregator (services/reporting/aggregator.py) from the fact tables;
-- `polku reporting rebuild` recomputes it. See services/reporting/README.md.

-- A round of the aggregator reads a few participants' facts by id.
CREATE INDEX activity_fact_participant_idx ON activity_fact (participant_id);
CREATE INDEX activity_hours_participant_idx ON activity_hours (participant_id);
CREATE INDEX placement_fact_participant_idx ON placement_fact (participant_id);
CREATE INDEX placement_hours_participant_idx ON placement_hours (participant_id);
CREATE INDEX match_fact_participant_idx ON match_fact (participant_id);

-- Participants whose facts changed since the aggregator last looked (append-only).
CREATE TABLE figure_dirty (
    seq            bigserial PRIMARY KEY,
    participant_id uuid NOT NULL
);

-- One row per dated contribution of a participant to a figure (the pure rules' results).
CREATE TABLE figure_entry (
    participant_id uuid     NOT NULL,
    figure         text     NOT NULL,
    on_day         date     NOT NULL,
    k              text     NOT NULL,
    at_org         uuid     NOT NULL,  -- the organisation a placement or match is at, else nil
    municipality   text     NOT NULL,
    riskmask       int      NOT NULL,
    n              int      NOT NULL,
    flags          bigint   NOT NULL,
    x1             bigint   NOT NULL,
    x2             bigint   NOT NULL,
    hours          numeric  NOT NULL,
    PRIMARY KEY (participant_id, figure, on_day, k, at_org)
);

-- Every organisation a participant is known at (case, activities, placements): the
-- organisation filter's population.
CREATE TABLE participant_org (
    organisation_id uuid NOT NULL,
    participant_id  uuid NOT NULL,
    municipality    text NOT NULL,
    riskmask        int  NOT NULL,
    PRIMARY KEY (organisation_id, participant_id)
);
CREATE INDEX participant_org_participant_idx ON participant_org (participant_id);

-- Days on which a participant waits for a support worker: [since, until).
CREATE TABLE waiting_interval (
    participant_id uuid      NOT NULL,
    municipality   text      NOT NULL,
    riskmask       int       NOT NULL,
    waitlisted_on  date      NOT NULL,
    during         daterange NOT NULL
);
CREATE INDEX waiting_interval_participant_idx ON waiting_interval (participant_id);
CREATE INDEX waiting_interval_during_idx ON waiting_interval USING gist (during);

-- Between two consecutive days with an activity of one type (exclusive on both ends).
CREATE TABLE activity_gap (
    participant_id uuid      NOT NULL,
    k              text      NOT NULL,  -- activity type
    completed      boolean   NOT NULL,  -- between completed activities only
    municipality   text      NOT NULL,
    riskmask       int       NOT NULL,
    gap            daterange NOT NULL
);
CREATE INDEX activity_gap_participant_idx ON activity_gap (participant_id);
CREATE INDEX activity_gap_gap_idx ON activity_gap USING gist (gap);

-- Placements going on now, per opening.
CREATE TABLE opening_filled (
    opening_id uuid   PRIMARY KEY,
    filled     bigint NOT NULL
);

-- Sums of figure_entry by year, month and day, for each municipality and for all ('').
CREATE TABLE figure_cube (
    figure       text     NOT NULL,
    municipality text     NOT NULL,
    grain        char(1)  NOT NULL,  -- y, m or d
    bucket       date     NOT NULL,  -- first day of the year, month, or the day
    riskmask     int      NOT NULL,
    k            text     NOT NULL,
    n            bigint   NOT NULL,
    x1           bigint   NOT NULL,
    x2           bigint   NOT NULL,
    hours        numeric  NOT NULL,
    refused bigint, placed bigint, employed bigint, employed_on_leaving bigint,
    exit_employed bigint,
    co01 bigint, co02 bigint, co03 bigint, co04 bigint, co05 bigint, co06 bigint, co07 bigint,
    co08 bigint, co09 bigint, co10 bigint, co11 bigint, co15 bigint, co16 bigint, co17 bigint,
    cr01 bigint, cr02 bigint, cr03 bigint, cr04 bigint, cr05 bigint, cr06 bigint, cr07 bigint,
    cr08 bigint, cr09 bigint,
    eeco01 bigint, eeco02 bigint, eeco03 bigint, eeco04 bigint, eeco05 bigint, eeco06 bigint,
    eeco07 bigint, eeco08 bigint, eeco09 bigint, eeco10 bigint, eeco11 bigint, eeco12 bigint,
    eecr01 bigint, eecr02 bigint, eecr03 bigint, eecr04 bigint, eecr05 bigint, eecr06 bigint,
    PRIMARY KEY (figure, municipality, grain, bucket, riskmask, k)
);

-- The same sums for each organisation's participants (every organisation a participant is
-- known at), without municipality or risk groups; here: at that organisation (placements and
-- matches there).
CREATE TABLE figure_org_cube (
    organisation_id uuid    NOT NULL,
    figure       text     NOT NULL,
    grain        char(1)  NOT NULL,
    bucket       date     NOT NULL,
    k            text     NOT NULL,
    here         boolean  NOT NULL,
    n            bigint   NOT NULL,
    x1           bigint   NOT NULL,
    x2           bigint   NOT NULL,
    hours        numeric  NOT NULL,
    refused bigint, placed bigint, employed bigint, employed_on_leaving bigint,
    exit_employed bigint,
    co01 bigint, co02 bigint, co03 bigint, co04 bigint, co05 bigint, co06 bigint, co07 bigint,
    co08 bigint, co09 bigint, co10 bigint, co11 bigint, co15 bigint, co16 bigint, co17 bigint,
    cr01 bigint, cr02 bigint, cr03 bigint, cr04 bigint, cr05 bigint, cr06 bigint, cr07 bigint,
    cr08 bigint, cr09 bigint,
    eeco01 bigint, eeco02 bigint, eeco03 bigint, eeco04 bigint, eeco05 bigint, eeco06 bigint,
    eeco07 bigint, eeco08 bigint, eeco09 bigint, eeco10 bigint, eeco11 bigint, eeco12 bigint,
    eecr01 bigint, eecr02 bigint, eecr03 bigint, eecr04 bigint, eecr05 bigint, eecr06 bigint,
    PRIMARY KEY (organisation_id, figure, grain, bucket, k, here)
);

-- What the sums were computed with (settings of the ESF rules, layout of the flags).
CREATE TABLE figure_state (
    name  text PRIMARY KEY,
    value text NOT NULL
);
