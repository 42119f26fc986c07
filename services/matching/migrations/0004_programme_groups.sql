-- A network programme aimed at a group (possibly a special category, e.g. people released
-- from prison) is set on an opening by the network, not the employer, and is never shown to
-- the employer; the employer's own eligible_groups may name only groups that are not special.
ALTER TABLE opening ADD COLUMN programme_groups text[] NOT NULL DEFAULT '{}';
