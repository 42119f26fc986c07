-- Finding participants by name: keyed hashes of the prefixes of their names' words
-- (services/intake/domain/name_search.py). No name is stored in the clear; the tokens go
-- with the participant (erasure deletes the row, and these with it).
CREATE TABLE participant_name_token (
    token          bytea NOT NULL,
    participant_id uuid  NOT NULL REFERENCES participant (participant_id) ON DELETE CASCADE,
    PRIMARY KEY (token, participant_id)
);
CREATE INDEX participant_name_token_participant_idx ON participant_name_token (participant_id);
