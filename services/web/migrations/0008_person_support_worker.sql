-- The caseplan support worker a web person is (caseplan keeps no names): set by an admin on
-- the People page, so the operator's caseload chart can name the worker.
ALTER TABLE person ADD COLUMN support_worker_id uuid UNIQUE;
