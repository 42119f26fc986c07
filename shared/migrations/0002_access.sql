-- API keys and the audit log: applied into every service's schema (each reads only its own).
-- A key is stored only as the SHA-256 hash of its text; `polku keys create` writes the same
-- row into every schema in one transaction.
CREATE TABLE api_key (
    key_id          uuid        PRIMARY KEY,
    key_hash        bytea       NOT NULL UNIQUE,
    organisation_id uuid        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('municipality', 'support_worker',
                                    'workshop', 'employer', 'operator', 'admin')),
    municipality    text,
    label           text        NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    revoked_at      timestamptz,
    CHECK ((role = 'municipality') = (municipality IS NOT NULL))
);

-- Who read or changed whose personal data, when and from where. Append-only.
CREATE TABLE audit_log (
    seq             bigserial   PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    key_id          uuid,
    organisation_id uuid,
    role            text,
    action          text        NOT NULL,
    participant_id  uuid,
    fields          text[]      NOT NULL DEFAULT '{}',
    client          text
);
CREATE INDEX audit_log_participant_idx ON audit_log (participant_id, seq);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
