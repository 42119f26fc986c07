"""Properties of assignment: no limit is ever exceeded, nobody is skipped unfairly."""

from datetime import date
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from services.caseplan.domain.agreements import Agreed
from services.caseplan.domain.workers import SupportWorker, WaitingEntry, drain, waiting_order

PLACES = ["Rapla vald", "Kehtna vald", "Märjamaa vald"]
ORGS = [uuid4() for _ in range(3)]

workers_strategy = st.lists(
    st.builds(
        lambda org, limit, load, places, active: SupportWorker(
            uuid4(),
            organisation_id=org,
            municipalities=tuple(places),
            caseload_limit=limit,
            caseload=min(load, limit),
            active=active,
        ),
        st.sampled_from(ORGS),
        st.integers(1, 5),
        st.integers(0, 5),
        st.lists(st.sampled_from(PLACES), max_size=2, unique=True),
        st.booleans(),
    ),
    max_size=6,
)
agreed_strategy = st.frozensets(st.tuples(st.sampled_from(ORGS), st.sampled_from(PLACES)))
entries_strategy = st.lists(st.tuples(st.sampled_from(PLACES), st.booleans()), max_size=40).map(
    lambda xs: [WaitingEntry(uuid4(), uuid4(), m, i, p) for i, (m, p) in enumerate(xs)]
)


@settings(max_examples=200, deadline=None)
@given(workers_strategy, entries_strategy, agreed_strategy)
def test_drain_respects_limits_agreements_and_order(
    workers: list[SupportWorker], entries: list[WaitingEntry], agreed: Agreed
) -> None:
    after, assignments, events = drain(workers, entries, date(2026, 1, 1), agreed=agreed)
    by_id = {w.support_worker_id: w for w in after}
    assert all(w.caseload <= w.caseload_limit for w in after)
    for w in workers:
        taken = sum(1 for a in assignments if a.support_worker_id == w.support_worker_id)
        assert by_id[w.support_worker_id].caseload == w.caseload + taken
        assert taken == 0 or w.active
    assert len(events) == len(assignments)
    assigned = {a.entry.case_plan_id for a in assignments}
    ordered = waiting_order(entries)
    for a in assignments:
        worker = by_id[a.support_worker_id]
        assert worker.serves(a.entry.municipality, None, agreed)
        assert (worker.organisation_id, a.entry.municipality) in agreed
    # Anyone left waiting could not be served: every worker of their place is full.
    for e in ordered:
        if e.case_plan_id not in assigned:
            assert all(
                w.free_capacity == 0 for w in after if w.serves(e.municipality, None, agreed)
            )
    # Within one municipality, nobody is served before someone ahead of them.
    for place in PLACES:
        line = [e.case_plan_id for e in ordered if e.municipality == place]
        served = [c in assigned for c in line]
        assert served == sorted(served, reverse=True)
