CREATE TABLE candidate (
    participant_id uuid PRIMARY KEY,
    municipality   text        NOT NULL,
    profile        jsonb       NOT NULL,
    registered_at  timestamptz NOT NULL
);
