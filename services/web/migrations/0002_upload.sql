-- A clerk's spreadsheet between its preview and the confirmation (deleted once sent).
CREATE TABLE upload (
    upload_id   uuid        PRIMARY KEY,
    person_id   uuid        NOT NULL REFERENCES person ON DELETE CASCADE,
    filename    text        NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
