-- Recording the past: a key may carry the `history` scope (an authorised import of a
-- project's own dates), and every audit line written by such an import says so.
ALTER TABLE api_key ADD COLUMN scopes text[] NOT NULL DEFAULT '{}'
    CHECK (scopes <@ ARRAY['history']::text[]);
ALTER TABLE audit_log ADD COLUMN imported boolean NOT NULL DEFAULT false;
