-- Events about an erased participant (shared/erasure.py): each is deleted from the outbox,
-- and its entry from its stream, once published and settled by every consumer group.
CREATE TABLE outbox_forget (
    event_id  uuid        PRIMARY KEY,
    stream    text        NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now()
);
