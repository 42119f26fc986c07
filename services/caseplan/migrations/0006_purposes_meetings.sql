-- Consent by purpose: which purposes the participant withdrew, and when (the first time is
-- kept), as [{"purpose": "follow_up", "withdrawn_at": "..."}]. No personal data.
ALTER TABLE case_plan ADD COLUMN consent_withdrawals jsonb NOT NULL DEFAULT '[]'::jsonb;
