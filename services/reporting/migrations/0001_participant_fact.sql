CREATE TABLE participant_fact (
    participant_id uuid PRIMARY KEY,
    municipality   text        NOT NULL,
    registered_on  date        NOT NULL
);
