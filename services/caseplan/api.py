"""Caseplan's HTTP API: support workers, case plans, waiting list, readiness, exit, follow-up."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Header, Query, Request, status

from services.caseplan import access, lists, service, views
from services.caseplan.commands import read, run, today
from services.caseplan.domain import cursors
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import SupportWorker
from services.caseplan.repository import plans
from services.caseplan.schemas import (
    CasePlanOut,
    EventsOut,
    ExitIn,
    FollowUpDuePage,
    FollowUpIn,
    PriorityIn,
    ReadyIn,
    SupportWorkerIn,
    SupportWorkerOut,
    SupportWorkerPatch,
    WaitingPage,
)
from shared import receipts
from shared.auth import Allow, Principal
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

PLAN_404 = "case_plan_not_found"
WORKER_404 = "support_worker_not_found"

Staff = Annotated[Principal, Allow("support_worker", "admin")]
"""A case-managing organisation's support workers (their own cases) or an admin."""
Receipt = Annotated[
    str | None,
    Header(alias=receipts.HEADER, description="intake's `registration_receipt` for the person"),
]
Viewer = Annotated[Principal, Allow("municipality", "support_worker", "admin")]
"""Also the participant's municipality, which may read its participants' case plans."""


@router.post(
    "/support-workers",
    status_code=status.HTTP_201_CREATED,
    responses=refusals(
        {
            403: ["other_organisation"],
            409: ["caseload_limit_below_caseload", "no_service_agreement"],
            422: ["caseload_limit_invalid"],
        }
    ),
)
async def create_support_worker(
    body: SupportWorkerIn, pool: PoolDep, principal: Staff
) -> SupportWorkerOut:
    """Add a support worker; waiting participants they can serve are assigned at once."""
    access.check_organisation(principal, body.organisation_id)
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
async def list_support_workers(pool: PoolDep, principal: Staff) -> list[SupportWorkerOut]:
    """Every support worker (of the caller's organisation), in the order they were added."""
    workers = await read(pool, lambda c: _all_workers(c))
    if principal is None or principal.is_admin:
        return workers
    return [w for w in workers if w.organisation_id == principal.organisation_id]


async def _all_workers(conn: asyncpg.Connection) -> list[SupportWorkerOut]:
    return [views.worker_out(w) for w in await plans.workers(conn)]


@router.get("/support-workers/{support_worker_id}", responses=refusals({404: [WORKER_404]}))
async def get_support_worker(
    support_worker_id: UUID, pool: PoolDep, principal: Staff
) -> SupportWorkerOut:
    """One support worker and their caseload."""
    await access.check_worker(pool, principal, support_worker_id)
    return await read(pool, lambda conn: views.support_worker(conn, support_worker_id))


@router.patch(
    "/support-workers/{support_worker_id}",
    responses=refusals(
        {
            403: ["other_organisation"],
            404: [WORKER_404],
            409: ["caseload_limit_below_caseload", "no_service_agreement"],
            422: ["caseload_limit_invalid"],
        }
    ),
)
async def update_support_worker(
    support_worker_id: UUID, body: SupportWorkerPatch, pool: PoolDep, principal: Staff
) -> SupportWorkerOut:
    """Change a worker; a raised limit or reactivation assigns waiting participants."""
    await access.check_worker(pool, principal, support_worker_id)
    if "organisation_id" in body.model_fields_set:
        access.check_organisation(principal, body.organisation_id)
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


@router.get(
    "/participants/{participant_id}/case-plan",
    responses=refusals({404: [PLAN_404, "case_plan_not_yet"]}),
)
async def get_case_plan(
    participant_id: UUID,
    request: Request,
    pool: PoolDep,
    principal: Viewer,
    receipt: Receipt = None,
) -> CasePlanOut:
    """The case plan of one participant, with goals, activities, placements and worker."""
    await access.check_plan(pool, principal, participant_id=participant_id)
    try:
        return await read(pool, lambda conn: views.case_plan(conn, participant_id, today()))
    except Refusal as refusal:
        secret = request.app.state.runtime.settings.id_hash_secret
        if receipts.is_valid(secret, receipt, participant_id, principal.municipality):
            raise Refusal(
                "case_plan_not_yet", "registered; the case plan is being opened", status=404
            ) from refusal
        raise


Limit = Annotated[int, Query(ge=1, le=200, description="lines a page (50 unless given)")]
WaitingAfter = Annotated[
    str | None,
    Query(pattern=cursors.WAITING_PATTERN, description="a page's `next_after`: the page after",
          examples=["1.1234"]),
]  # fmt: skip
WaitingBefore = Annotated[
    str | None,
    Query(pattern=cursors.WAITING_PATTERN,
          description="a page's `prev_before`: the page before it (not with `after`)",
          examples=["0.77"]),
]  # fmt: skip
DueAfter = Annotated[
    str | None,
    Query(pattern=cursors.DUE_PATTERN, description="a page's `next_after`: the page after",
          examples=["739812.0190a2b4-7c1e-7d3a-9f00-3c5e2a1b4d70"]),
]  # fmt: skip
DueBefore = Annotated[
    str | None,
    Query(pattern=cursors.DUE_PATTERN,
          description="a page's `prev_before`: the page before it (not with `after`)",
          examples=["739812.0190a2b4-7c1e-7d3a-9f00-3c5e2a1b4d70"]),
]  # fmt: skip


def _secret(request: Request) -> str:
    return str(request.app.state.runtime.settings.id_hash_secret)


@router.get("/waiting-list")
async def get_waiting_list(
    request: Request,
    pool: PoolDep,
    principal: Viewer,
    after: WaitingAfter = None,
    before: WaitingBefore = None,
    limit: Limit = 50,
) -> WaitingPage:
    """Participants waiting for a support worker, in the order they will be served, a page at
    a time: a municipality its own, a support worker's organisation those waiting where it
    serves under a live service agreement (each with a receipt for the name at intake)."""
    return await read(
        pool,
        lambda conn: lists.waiting_page(
            conn, principal, _secret(request), after=after, before=before, limit=limit
        ),
    )


@router.patch(
    "/waiting-list/{participant_id}",
    responses=refusals({404: [PLAN_404], 409: ["not_waiting"]}),
)
async def set_waiting_priority(
    participant_id: UUID, body: PriorityIn, request: Request, pool: PoolDep, principal: Viewer
) -> WaitingPage:
    """Give a waiting participant priority (or take it away); returns the new order's first
    page."""
    await access.check_plan(pool, principal, participant_id=participant_id, action="priority.set")

    async def use_case(conn: asyncpg.Connection) -> tuple[None, list[Payload]]:
        await service.prioritise(conn, participant_id, body.priority)
        return None, []

    await run(pool, use_case)
    return await read(pool, lambda conn: lists.waiting_page(conn, principal, _secret(request)))


def _events(participant_id: UUID, payloads: list[Payload]) -> tuple[EventsOut, list[Payload]]:
    return EventsOut(participant_id=participant_id, events=[p.TYPE for p in payloads]), payloads


@router.post(
    "/participants/{participant_id}/ready-for-matching",
    responses=refusals({404: [PLAN_404], 409: ["case_closed"]}),
)
async def ready_for_matching(
    participant_id: UUID, body: ReadyIn, pool: PoolDep, principal: Staff
) -> EventsOut:
    """The support worker marks the participant ready to be matched to openings."""
    await access.check_plan(pool, principal, participant_id=participant_id, action="ready.marked")

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        return _events(
            participant_id, await service.mark_ready(conn, participant_id, body.opening_kinds)
        )

    return await run(pool, use_case)


@router.post(
    "/participants/{participant_id}/exit",
    responses=refusals(
        {
            404: [PLAN_404],
            409: ["case_closed"],
            422: ["exit_before_opening", "exit_in_future", "exit_before_floor"],
        }
    ),
)
async def exit_participant(
    participant_id: UUID, body: ExitIn, pool: PoolDep, principal: Staff
) -> EventsOut:
    """The participant leaves: the case closes, the follow-up is due six months later (a
    history import may date it back, not before 2000-01-01)."""
    imported = access.importing(principal, today(), exit=("exited_on", body.exited_on))
    await access.check_plan(
        pool, principal, participant_id=participant_id, action="exit.recorded", imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        on = body.exited_on or today()
        emitted = await service.exit_participant(conn, participant_id, body.outcome, on, today())
        return _events(participant_id, emitted)

    return await run(pool, use_case)


@router.post(
    "/participants/{participant_id}/follow-up",
    responses=refusals(
        {
            404: [PLAN_404],
            409: ["not_exited", "already_followed_up"],
            422: ["follow_up_before_exit", "follow_up_in_future", "follow_up_before_floor"],
        }
    ),
)
async def follow_up(
    participant_id: UUID, body: FollowUpIn, pool: PoolDep, principal: Staff
) -> EventsOut:
    """Record the situation six months after leaving (or that the participant was not reached)."""
    imported = access.importing(
        principal, today(), follow_up=("followed_up_on", body.followed_up_on)
    )
    await access.check_plan(
        pool, principal, participant_id=participant_id, action="follow_up", imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[EventsOut, list[Payload]]:
        on = body.followed_up_on or today()
        return _events(
            participant_id, await service.follow_up(conn, participant_id, body.outcome, on, today())
        )

    return await run(pool, use_case)


@router.get("/follow-ups/due")
async def follow_ups_due(
    request: Request,
    pool: PoolDep,
    principal: Viewer,
    after: DueAfter = None,
    before: DueBefore = None,
    limit: Limit = 50,
) -> FollowUpDuePage:
    """Follow-ups due today or earlier and not yet recorded (of the caller's cases), oldest
    first, a page at a time."""
    return await read(
        pool,
        lambda conn: lists.due_page(
            conn, principal, _secret(request), today(), after=after, before=before, limit=limit
        ),
    )


@router.get("/participants/{participant_id}/export", responses=refusals({404: [PLAN_404]}))
async def export_case_plan(participant_id: UUID, pool: PoolDep, principal: Viewer) -> CasePlanOut:
    """What caseplan holds about the participant, for a subject access request (GDPR art. 15)."""
    await access.check_plan(pool, principal, participant_id=participant_id, action="exported")
    return await read(pool, lambda conn: views.case_plan(conn, participant_id, today()))
