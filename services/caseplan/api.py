"""Caseplan's HTTP API: support workers, case plans, waiting list, readiness, exit, follow-up."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, status

from services.caseplan import service, views
from services.caseplan.api_models import (
    CasePlanOut,
    EventsOut,
    ExitIn,
    FollowUpDueOut,
    FollowUpIn,
    PriorityIn,
    ReadyIn,
    SupportWorkerIn,
    SupportWorkerOut,
    SupportWorkerPatch,
    WaitingOut,
)
from services.caseplan.commands import read, run, today
from services.caseplan.domain.workers import SupportWorker
from services.caseplan.repository import plans
from shared.events.envelope import Payload
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"])


@router.post("/support-workers", status_code=status.HTTP_201_CREATED)
async def create_support_worker(body: SupportWorkerIn, pool: PoolDep) -> SupportWorkerOut:
    """Add a support worker; waiting participants they can serve are assigned at once."""
    worker = SupportWorker(
        support_worker_id=uuid4(),
        organisation_id=body.organisation_id,
        municipalities=tuple(dict.fromkeys(body.municipalities)),
        languages=tuple(dict.fromkeys(body.languages)),
        caseload_limit=body.caseload_limit,
        active=body.active,
        contact=body.contact,
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[UUID, list[Payload]]:
        return worker.support_worker_id, await service.add_worker(conn, worker, today())

    worker_id = await run(pool, use_case)
    return await read(pool, lambda conn: views.support_worker(conn, worker_id))


@router.get("/support-workers")
async def list_support_workers(pool: PoolDep) -> list[SupportWorkerOut]:
    """Every support worker, in the order they were added."""
    return await read(pool, lambda c: _all_workers(c))


async def _all_workers(conn: asyncpg.Connection) -> list[SupportWorkerOut]:
    return [views.worker_out(w) for w in await plans.workers(conn)]


@router.get("/support-workers/{support_worker_id}")
async def get_support_worker(support_worker_id: UUID, pool: PoolDep) -> SupportWorkerOut:
    """One support worker and their caseload."""
    return await read(pool, lambda conn: views.support_worker(conn, support_worker_id))


@router.patch("/support-workers/{support_worker_id}")
async def update_support_worker(
    support_worker_id: UUID, body: SupportWorkerPatch, pool: PoolDep
) -> SupportWorkerOut:
    """Change a worker; a raised limit or reactivation assigns waiting participants."""
    nullable = ("organisation_id", "contact")
    changes: dict[str, Any] = {
        k: v
        for k, v in body.model_dump(exclude_unset=True).items()
        if v is not None or k in nullable
    }
    for key in ("municipalities", "languages"):
        if changes.get(key) is not None:
            changes[key] = tuple(dict.fromkeys(changes[key]))

    async def use_case(conn: asyncpg.Connection) -> tuple[SupportWorker, list[Payload]]:
        return await service.change_worker(conn, support_worker_id, changes, today())

    changed = await run(pool, use_case)
    return await read(pool, lambda conn: views.support_worker(conn, changed.support_worker_id))


@router.get("/participants/{participant_id}/case-plan")
async def get_case_plan(participant_id: UUID, pool: PoolDep) -> CasePlanOut:
    """The case plan of one participant, with goals, activities, placements and worker."""
    return await read(pool, lambda conn: views.case_plan(conn, participant_id, today()))


@router.get("/waiting-list")
async def get_waiting_list(pool: PoolDep) -> list[WaitingOut]:
    """Participants waiting for a support worker, in the order they will be served."""
    return await read(pool, views.waiting_list)


@router.patch("/waiting-list/{participant_id}")
async def set_waiting_priority(
    participant_id: UUID, body: PriorityIn, pool: PoolDep
) -> list[WaitingOut]:
    """Give a waiting participant priority (or take it away); returns the new order."""

    async def use_case(conn: asyncpg.Connection) -> tuple[None, list[Payload]]:
        await service.prioritise(conn, participant_id, body.priority)
        return None, []

    await run(pool, use_case)
    return await read(pool, views.waiting_list)


def _events(participant_id: UUID, payloads: list[Payload]) -> tuple[EventsOut, list[Payload]]:
    return EventsOut(participant_id=participant_id, events=[p.TYPE for p in payloads]), payloads


@router.post("/participants/{participant_id}/ready-for-matching")
async def ready_for_matching(participant_id: UUID, body: ReadyIn, pool: PoolDep) -> EventsOut:
    """The support worker marks the participant ready to be matched to openings."""

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        return _events(
            participant_id, await service.mark_ready(conn, participant_id, body.opening_kinds)
        )

    return await run(pool, use_case)


@router.post("/participants/{participant_id}/exit")
async def exit_participant(participant_id: UUID, body: ExitIn, pool: PoolDep) -> EventsOut:
    """The participant leaves: the case closes, the follow-up is due six months later."""

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        on = body.exited_on or today()
        emitted = await service.exit_participant(conn, participant_id, body.outcome, on, today())
        return _events(participant_id, emitted)

    return await run(pool, use_case)


@router.post("/participants/{participant_id}/follow-up")
async def follow_up(participant_id: UUID, body: FollowUpIn, pool: PoolDep) -> EventsOut:
    """Record the situation six months after leaving (or that the participant was not reached)."""

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        on = body.followed_up_on or today()
        return _events(
            participant_id, await service.follow_up(conn, participant_id, body.outcome, on)
        )

    return await run(pool, use_case)


@router.get("/follow-ups/due")
async def follow_ups_due(pool: PoolDep) -> list[FollowUpDueOut]:
    """Follow-ups due today or earlier and not yet recorded."""
    return await read(pool, lambda conn: views.follow_ups_due(conn, today()))
