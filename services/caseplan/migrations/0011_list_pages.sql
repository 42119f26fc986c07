-- The waiting list and the follow-ups due page by keyset: the waiting list in the order it
-- is served (priority first, then by arrival), everyone's or one municipality's or one
-- organisation's; follow-ups by day due then case plan, everyone's or one worker's, one
-- organisation's or one municipality's. A page reads about its own lines, not the list.
CREATE INDEX waiting_entry_order_idx ON waiting_entry ((NOT priority), seq);
CREATE INDEX waiting_entry_municipality_order_idx
    ON waiting_entry (municipality, (NOT priority), seq);
CREATE INDEX waiting_entry_organisation_order_idx
    ON waiting_entry (organisation_id, (NOT priority), seq) WHERE organisation_id IS NOT NULL;
CREATE INDEX case_plan_due_order_idx ON case_plan (follow_up_due_on, case_plan_id)
    WHERE follow_up_outcome IS NULL AND follow_up_due_on IS NOT NULL;
CREATE INDEX case_plan_due_worker_idx
    ON case_plan (support_worker_id, follow_up_due_on, case_plan_id)
    WHERE follow_up_outcome IS NULL AND follow_up_due_on IS NOT NULL;
CREATE INDEX case_plan_due_organisation_idx
    ON case_plan (organisation_id, follow_up_due_on, case_plan_id)
    WHERE follow_up_outcome IS NULL AND follow_up_due_on IS NOT NULL;
CREATE INDEX case_plan_due_municipality_idx
    ON case_plan (municipality, follow_up_due_on, case_plan_id)
    WHERE follow_up_outcome IS NULL AND follow_up_due_on IS NOT NULL;
