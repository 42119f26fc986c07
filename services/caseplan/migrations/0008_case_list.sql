-- The list of an organisation's cases pages by case plan id within the organisation.
CREATE INDEX case_plan_organisation_idx ON case_plan (organisation_id, case_plan_id);
