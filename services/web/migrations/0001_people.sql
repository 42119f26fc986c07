-- People who sign in to the web front, their invitations and reset links, their sessions and
-- failed sign-ins. Secrets are stored only as hashes (argon2id for passwords, SHA-256 for
-- random tokens); a TOTP secret is kept as given because the code must be computed from it.
CREATE TABLE person (
    person_id       uuid        PRIMARY KEY,
    organisation_id uuid        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('municipality', 'support_worker',
                                    'workshop', 'employer', 'operator', 'admin')),
    municipality    text,
    manages_people  boolean     NOT NULL DEFAULT false,
    email           text        NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name    text        NOT NULL,
    password_hash   text,
    totp_secret     text,
    totp_enabled    boolean     NOT NULL DEFAULT false,
    language        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    disabled_at     timestamptz,
    CHECK ((role = 'municipality') = (municipality IS NOT NULL))
);
CREATE INDEX person_organisation_idx ON person (organisation_id);

-- A one-time link: an invitation (creates the person) or a password reset (of a person).
CREATE TABLE account_token (
    token_hash      bytea       PRIMARY KEY,
    kind            text        NOT NULL CHECK (kind IN ('invitation', 'reset')),
    person_id       uuid        REFERENCES person ON DELETE CASCADE,
    organisation_id uuid        NOT NULL,
    role            text        NOT NULL,
    municipality    text,
    email           text        NOT NULL,
    created_by      uuid        REFERENCES person ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);

-- A browser's session: anonymous until sign-in, then a new row (never the same id) names
-- the person. `verified` is false between the password and the TOTP code.
CREATE TABLE web_session (
    session_hash    bytea       PRIMARY KEY,
    person_id       uuid        REFERENCES person ON DELETE CASCADE,
    verified        boolean     NOT NULL DEFAULT false,
    csrf_token      text        NOT NULL,
    pending_token   bytea,
    language        text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL
);
CREATE INDEX web_session_expires_idx ON web_session (expires_at);

-- Failed sign-ins, by account (e-mail) and by client address, for throttling.
CREATE TABLE sign_in_failure (
    id        bigserial   PRIMARY KEY,
    email     text        NOT NULL,
    client    text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_email_idx ON sign_in_failure (email, at);
CREATE INDEX sign_in_failure_client_idx ON sign_in_failure (client, at);
