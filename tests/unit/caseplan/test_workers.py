"""Choosing a support worker and draining the waiting list."""

from datetime import date
from uuid import uuid4

import pytest

from services.caseplan.domain.case_plan import open_case_plan
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import (
    SupportWorker,
    WaitingEntry,
    assign_or_waitlist,
    check_limit,
    choose_worker,
    drain,
    waiting_order,
)
from shared.events.caseplan import CaseplanWaitlisted, CaseplanWorkerAssigned

RAPLA = "Rapla vald"
TODAY = date(2026, 2, 2)
ORG = uuid4()
AGREED = frozenset({(ORG, RAPLA), (ORG, "Kehtna vald")})
"""The support organisation of these tests serves both municipalities by agreement."""


def worker(caseload: int = 0, limit: int = 8, **kw: object) -> SupportWorker:
    kw = {"organisation_id": ORG, "municipalities": (RAPLA,), **kw}
    return SupportWorker(uuid4(), caseload=caseload, caseload_limit=limit, **kw)  # type: ignore[arg-type]


def test_most_free_capacity_wins_and_ties_keep_order() -> None:
    a, b, c = worker(3), worker(1), worker(1)
    assert choose_worker([a, b, c], RAPLA, agreed=AGREED) is b


def test_inactive_full_and_elsewhere_workers_are_skipped() -> None:
    org = uuid4()
    candidates = [
        worker(0, active=False),
        worker(8),
        SupportWorker(uuid4(), ORG, municipalities=("Kehtna vald",)),
    ]
    assert choose_worker(candidates, RAPLA, agreed=AGREED) is None
    by_org = SupportWorker(uuid4(), organisation_id=org, caseload=2)
    assert choose_worker([*candidates, by_org], RAPLA, org, agreed=AGREED) is None  # no agreement
    with_org = AGREED | {(org, RAPLA)}
    assert choose_worker([*candidates, by_org], RAPLA, org, agreed=with_org) is by_org


def test_assign_or_waitlist() -> None:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(), participant_id=uuid4(), municipality=RAPLA, opened_on=date(2026, 1, 1)
    )
    w = worker(7)
    assigned, workers, events = assign_or_waitlist(plan, [w], date(2026, 1, 1), agreed=AGREED)
    assert assigned.support_worker_id == w.support_worker_id and workers[0].caseload == 8
    assert isinstance(events[0], CaseplanWorkerAssigned)
    assert events[0].caseload_limit == 8  # the worker's own limit, for reporting's caseloads
    waiting, _, events = assign_or_waitlist(plan, workers, date(2026, 1, 1), agreed=AGREED)
    assert waiting.support_worker_id is None and isinstance(events[0], CaseplanWaitlisted)


def entry(seq: int, municipality: str = RAPLA, priority: bool = False) -> WaitingEntry:
    return WaitingEntry(uuid4(), uuid4(), municipality, seq, priority)


def test_waiting_list_is_fifo_with_priority_first() -> None:
    e1, e2, e3 = entry(1), entry(2, priority=True), entry(3)
    assert waiting_order([e3, e1, e2]) == [e2, e1, e3]


def test_drain_assigns_in_order_up_to_capacity_without_blocking_other_places() -> None:
    w = worker(6)
    elsewhere = entry(1, "Kehtna vald")
    first, second, third = entry(2), entry(3), entry(4)
    workers, assignments, events = drain(
        [w], [third, elsewhere, second, first], TODAY, agreed=AGREED
    )
    assert [e.participant_id for e in events] == [first.participant_id, second.participant_id]  # type: ignore[attr-defined]
    assert [a.entry for a in assignments] == [first, second]
    assert workers[0].caseload == 8
    assert all(a.support_worker_id == w.support_worker_id for a in assignments)


def test_drain_never_exceeds_any_limit() -> None:
    workers = [worker(i % 3, limit=3) for i in range(5)]
    result, assignments, _ = drain(workers, [entry(i) for i in range(50)], TODAY, agreed=AGREED)
    assert all(w.caseload == w.caseload_limit for w in result)
    assert len(assignments) == sum(3 - i % 3 for i in range(5))
    assert len({a.entry.seq for a in assignments}) == len(assignments)
    assert [a.entry.seq for a in assignments] == sorted(a.entry.seq for a in assignments)


def test_limit_cannot_drop_below_caseload() -> None:
    with pytest.raises(Refusal) as refused:
        check_limit(worker(5), 4)
    assert refused.value.reason == "caseload_limit_below_caseload"
    check_limit(worker(5), 5)


def test_a_worker_naming_a_municipality_without_agreement_gets_none_of_its_people() -> None:
    # an organisation creates a worker "serving Kaustinen" with room for 500
    claimer, kaustinen = uuid4(), "Kaustinen"
    greedy = SupportWorker(uuid4(), claimer, (kaustinen,), caseload_limit=500)
    agreed_one = worker(7, municipalities=(kaustinen,))
    agreed = AGREED | {(ORG, kaustinen)}
    assert choose_worker([greedy], kaustinen, agreed=agreed) is None
    assert choose_worker([greedy, agreed_one], kaustinen, agreed=agreed) is agreed_one
    waiting = [entry(i, kaustinen) for i in range(3)]
    _, assignments, _ = drain([greedy, agreed_one], waiting, TODAY, agreed=agreed)
    assert [a.support_worker_id for a in assignments] == [agreed_one.support_worker_id]
    _, assignments, _ = drain([greedy], waiting, TODAY, agreed=frozenset())
    assert assignments == []
