"""Caseplan's use cases for case plans and capacity: opening, assigning, draining the
waiting list, support workers, readiness, exit, follow-up and consent withdrawal.

Every function runs inside the caller's transaction and returns the events to record.
Decisions that use caseload capacity first take one advisory transaction lock, so two
replicas never hand out the same free place (and the CHECK constraint backs it up).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain import case_plan as cases
from services.caseplan.domain import consent, erasure
from services.caseplan.domain.agreements import require_agreed
from services.caseplan.domain.case_plan import CasePlan, ClosedBecause
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import SupportWorker, assign_or_waitlist, check_limit, drain
from services.caseplan.repository import agreements, plans, tombstones
from services.caseplan.repository import retention as retained
from shared import audit, idempotency
from shared.events.envelope import Payload
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome, OpeningKind
from shared.ids import uuid7
from shared.messaging import RetryLater

log = logging.getLogger("polku.caseplan")
Conn: TypeAlias = asyncpg.Connection


@dataclass(frozen=True)
class Registration:
    """What caseplan needs of a newly registered participant."""

    participant_id: UUID
    municipality: str
    opened_on: date
    languages: tuple[str, ...] = ()


async def open_case_plans(conn: Conn, registrations: list[Registration]) -> list[list[Payload]]:
    """Open a case plan for each registration and assign a worker or waitlist; events per item.
    A late or replayed registration of an erased participant opens nothing."""
    opened = [_open(r) for r in registrations]
    await plans.lock_assignment(conn)  # first: an erasure committed before it is seen
    ids = [r.participant_id for r in registrations]
    admitted = erasure.to_open(ids, await tombstones.erased_among(conn, ids))
    fresh = await plans.insert_case_plans(
        conn, [plan for (plan, _), ok in zip(opened, admitted, strict=True) if ok]
    )
    workers = await plans.workers(conn, active_only=True)
    agreed = await agreements.agreed(conn)
    before = {w.support_worker_id: w.caseload for w in workers}
    emitted: list[list[Payload]] = []
    waiting: list[CasePlan] = []
    pairs: list[tuple[UUID, UUID]] = []
    for plan, events in opened:
        if plan.case_plan_id not in fresh:
            emitted.append([])  # already registered: nothing new happens
            continue
        plan, workers, more = assign_or_waitlist(plan, workers, plan.opened_on, agreed=agreed)
        if plan.support_worker_id is None:
            waiting.append(plan)
        else:
            pairs.append((plan.case_plan_id, plan.support_worker_id))
        emitted.append(events + more)
    await plans.add_waiting(conn, waiting)
    await plans.assign_workers(conn, pairs)
    await plans.set_caseloads(conn, _changed(workers, before))
    return emitted


def _open(r: Registration) -> tuple[CasePlan, list[Payload]]:
    return cases.open_case_plan(
        case_plan_id=uuid7(),
        participant_id=r.participant_id,
        municipality=r.municipality,
        opened_on=r.opened_on,
        languages=r.languages,
    )


def _changed(workers: list[SupportWorker], before: dict[UUID, int]) -> list[SupportWorker]:
    return [w for w in workers if before.get(w.support_worker_id) != w.caseload]


async def drain_waiting_list(conn: Conn, today: date) -> list[Payload]:
    """Give waiting participants, in order, to workers with free capacity."""
    await plans.lock_assignment(conn)
    workers = await plans.workers(conn, active_only=True)
    before = {w.support_worker_id: w.caseload for w in workers}
    free = [w for w in workers if w.free_capacity > 0]
    if not free:
        return []
    agreed = await agreements.agreed(conn)
    candidates = await plans.waiting(
        conn,
        municipalities=sorted({m for w in free for m in w.municipalities}),
        organisations=[w.organisation_id for w in free if w.organisation_id is not None],
    )
    updated, assignments, events = drain(workers, candidates, today, agreed=agreed)
    if assignments:
        await plans.remove_waiting(conn, [a.entry.case_plan_id for a in assignments])
        await plans.assign_workers(
            conn, [(a.entry.case_plan_id, a.support_worker_id) for a in assignments]
        )
        await plans.set_caseloads(conn, _changed(updated, before))
    return events


async def _free_capacity(conn: Conn, plan: CasePlan, today: date) -> list[Payload]:
    """A case closed: its worker has one case fewer, or it leaves the waiting list."""
    if plan.support_worker_id is not None:
        await plans.release_case(conn, plan.support_worker_id)
    else:
        await plans.remove_waiting(conn, [plan.case_plan_id])
    return await drain_waiting_list(conn, today)


async def known_plan(conn: Conn, participant_id: UUID, *, lock: bool = False) -> CasePlan:
    """The participant's case plan, or a 404 refusal."""
    plan = await plans.case_plan_of(conn, participant_id, lock=lock)
    if plan is None:
        raise Refusal("case_plan_not_found", "the participant has no case plan", status=404)
    return plan


async def worker_contact(conn: Conn, plan: CasePlan) -> str | None:
    """How organisations reach the participant's support worker, if one is assigned."""
    if plan.support_worker_id is None:
        return None
    worker = await plans.worker(conn, plan.support_worker_id)
    return None if worker is None else worker.contact


async def case_organisation(conn: Conn, plan: CasePlan) -> UUID | None:
    """The support organisation holding the case: its worker's, else the plan's own."""
    if plan.support_worker_id is not None:
        worker = await plans.worker(conn, plan.support_worker_id)
        if worker is not None and worker.organisation_id is not None:
            return worker.organisation_id
    return plan.organisation_id


async def awaited_plan(conn: Conn, participant_id: UUID, *, lock: bool = False) -> CasePlan:
    """The participant's case plan for an event; retry later when not yet opened."""
    plan = await plans.case_plan_of(conn, participant_id, lock=lock)
    if plan is None:
        raise RetryLater(f"no case plan yet for participant {participant_id}")
    return plan


# -- events from intake --------------------------------------------------------------------
async def withdraw_consent(
    conn: Conn, participant_id: UUID, purposes: list[str], at: datetime
) -> list[Payload]:
    """Stop what rests on the purposes withdrawn (`domain/consent.py`), audited; when the case
    work ends, remove personal notes and pass the place to the next in line."""
    await plans.lock_assignment(conn)
    plan = await plan_unless_erased(conn, participant_id)
    if plan is None:
        return []
    named = consent.purposes_named(purposes)
    await audit.record(conn, None, "consent.withdrawal_applied", [participant_id], named)
    await plans.save_case_plan(conn, consent.withdraw(plan, purposes, at))
    if not consent.effects_of(purposes).ends_case:
        return []
    await plans.remove_personal_notes(conn, plan.case_plan_id)
    return await _free_capacity(conn, plan, at.date()) if plan.is_open else []


async def erase_participant(
    conn: Conn, participant_id: UUID, erased_at: datetime, today: date
) -> list[Payload]:
    """Erasure, for good: remembered (id and time only), the case closed and cut from the
    person; erased before their registration arrived, they never get a case plan."""
    await plans.lock_assignment(conn)
    await tombstones.record_erasure(conn, participant_id, erased_at)
    await idempotency.forget_answers_mentioning(conn, str(participant_id))
    plan = await plans.case_plan_of(conn, participant_id, lock=True)
    if plan is None:
        return []
    freed = await _close(conn, plan, ClosedBecause.ERASED, today)
    await retained.anonymise(conn, [plan.case_plan_id])
    return freed


async def _close(conn: Conn, plan: CasePlan, because: ClosedBecause, today: date) -> list[Payload]:
    await plans.remove_personal_notes(conn, plan.case_plan_id)
    if not plan.is_open:
        return []
    await plans.save_case_plan(conn, cases.withdraw_consent(plan, because))
    return await _free_capacity(conn, plan, today)


async def plan_unless_erased(conn: Conn, participant_id: UUID) -> CasePlan | None:
    """The participant's case plan for an event (row-locked); None if they were erased (the
    event has nothing left to change); retry later when not yet opened."""
    plan = await plans.case_plan_of(conn, participant_id, lock=True)
    if plan is not None:
        return plan
    if erasure.awaits_registration(bool(await tombstones.erased_among(conn, [participant_id]))):
        raise RetryLater(f"no case plan yet for participant {participant_id}")
    return None


async def move_participant(
    conn: Conn,
    participant_id: UUID,
    municipality: str,
    today: date,
    languages: tuple[str, ...] | None = None,
) -> list[Payload]:
    """The participant's profile changed: a moved waiting participant may now be served; new
    languages count from the next assignment (a case is not taken from its worker)."""
    await plans.lock_assignment(conn)
    plan = await plan_unless_erased(conn, participant_id)
    if plan is None:
        return []
    spoken = plan.languages if languages is None else languages
    if plan.municipality == municipality and plan.languages == spoken:
        return []
    await plans.save_case_plan(conn, replace(plan, municipality=municipality, languages=spoken))
    waiting = await plans.update_waiting(
        conn, plan.case_plan_id, municipality=municipality, languages=spoken
    )
    if not waiting or plan.municipality == municipality:
        return []
    return await drain_waiting_list(conn, today)


# -- support workers -----------------------------------------------------------------------
async def add_worker(conn: Conn, worker: SupportWorker, today: date) -> list[Payload]:
    """A new support worker takes waiting participants at once."""
    await plans.lock_assignment(conn)
    check_limit(replace(worker, caseload=0), worker.caseload_limit)
    require_agreed(await agreements.agreed(conn), worker.organisation_id, worker.municipalities)
    await plans.save_worker(conn, replace(worker, caseload=0))
    return await drain_waiting_list(conn, today)


async def change_worker(
    conn: Conn, worker_id: UUID, changes: dict[str, Any], today: date
) -> tuple[SupportWorker, list[Payload]]:
    """Update a worker; a raised limit, new municipality or reactivation drains the list."""
    await plans.lock_assignment(conn)
    current = await plans.worker(conn, worker_id)
    if current is None:
        raise Refusal("support_worker_not_found", "no such support worker", status=404)
    if "caseload_limit" in changes:
        check_limit(current, changes["caseload_limit"])
    changed = replace(current, **changes)
    if {"organisation_id", "municipalities"} & changes.keys():
        agreed = await agreements.agreed(conn)
        require_agreed(agreed, changed.organisation_id, changed.municipalities)
    await plans.save_worker(conn, changed)
    return changed, await drain_waiting_list(conn, today)


async def prioritise(conn: Conn, participant_id: UUID, priority: bool) -> None:
    """Move a waiting participant to (or out of) the priority group."""
    await plans.lock_assignment(conn)
    plan = await known_plan(conn, participant_id)
    if not await plans.update_waiting(conn, plan.case_plan_id, priority=priority):
        raise Refusal("not_waiting", "the participant is not on the waiting list")


# -- readiness, exit, follow-up ------------------------------------------------------------
async def mark_ready(
    conn: Conn, participant_id: UUID, opening_kinds: list[OpeningKind]
) -> list[Payload]:
    """The support worker finds the participant ready to be matched."""
    plan = await known_plan(conn, participant_id, lock=True)
    ready, events = cases.mark_ready(
        plan, opening_kinds, await worker_contact(conn, plan), await case_organisation(conn, plan)
    )
    await plans.save_case_plan(conn, ready)
    return events


async def exit_participant(
    conn: Conn, participant_id: UUID, outcome: ExitOutcome, exited_on: date, today: date
) -> list[Payload]:
    """The participant leaves: the case closes and its place goes to the next in line."""
    await plans.lock_assignment(conn)
    plan = await known_plan(conn, participant_id, lock=True)
    closed, events = cases.exit_case(plan, outcome, exited_on, today)
    await plans.save_case_plan(conn, closed)
    return events + await _free_capacity(conn, plan, today)


async def follow_up(
    conn: Conn, participant_id: UUID, outcome: FollowUpOutcome, followed_up_on: date, today: date
) -> list[Payload]:
    """Record the situation six months after leaving."""
    plan = await known_plan(conn, participant_id, lock=True)
    done, events = cases.record_follow_up(plan, outcome, followed_up_on, today)
    await plans.save_case_plan(conn, done)
    return events
