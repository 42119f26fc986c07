-- Why an organisation declined a match, as matching's code (match.declined.code); declines
-- recorded before the codes came have none and are counted as 'other'.
ALTER TABLE match_fact ADD COLUMN decline_code text;
