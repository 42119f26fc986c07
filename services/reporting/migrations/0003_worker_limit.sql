-- Each support worker's own caseload limit, as caseplan's latest assignment event carried it
-- (caseplan.worker_assigned.caseload_limit; older events without it leave no row, and the
-- caseloads report falls back to POLKU_REPORTING_SUPPORT_WORKER_CAPACITY).
CREATE TABLE worker_limit (
    support_worker_id uuid PRIMARY KEY,
    caseload_limit    int  NOT NULL,
    as_of             date NOT NULL
);
