-- The person (through the web front) who read or changed personal data, beside the key.
ALTER TABLE audit_log ADD COLUMN person_id uuid;
