-- Intake's own idempotency table moves into the shared one (keys were "<municipality>:<key>").
INSERT INTO idempotent_request (organisation, key, request_hash, status_code, response, created_at)
SELECT split_part(key, ':', 1), substr(key, length(split_part(key, ':', 1)) + 2),
       request_hash, status_code, response, created_at
FROM idempotency_key
ON CONFLICT DO NOTHING;
DROP TABLE idempotency_key;
