"""Read models: what the API shows of case plans, workers and the waiting list."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from uuid import UUID

import asyncpg

from services.caseplan.domain import consent
from services.caseplan.domain.activities import Activity
from services.caseplan.domain.placements import Placement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import SupportWorker, shares_language
from services.caseplan.meeting_out import meeting_out
from services.caseplan.repository import meetings, plans, work
from services.caseplan.schemas import (
    ActivityOut,
    CasePlanOut,
    ConsentWithdrawalOut,
    GoalOut,
    PlacementOut,
    SupportWorkerOut,
)


def worker_out(w: SupportWorker) -> SupportWorkerOut:
    """A support worker as the API shows them."""
    return SupportWorkerOut(
        support_worker_id=w.support_worker_id,
        organisation_id=w.organisation_id,
        municipalities=list(w.municipalities),
        languages=list(w.languages),
        caseload_limit=w.caseload_limit,
        caseload=w.caseload,
        free_capacity=w.free_capacity,
        active=w.active,
        contact=w.contact,
    )


def activity_out(a: Activity) -> ActivityOut:
    """An activity as the API shows it."""
    return ActivityOut.model_validate(asdict(a))


def placement_out(p: Placement, attendance: dict[str, int] | None = None) -> PlacementOut:
    """A placement as the API shows it."""
    fields = {k: v for k, v in asdict(p).items() if k not in ("case_plan_id", "participant_id")}
    return PlacementOut.model_validate({**fields, **(attendance or {})})


async def support_worker(conn: asyncpg.Connection, worker_id: UUID) -> SupportWorkerOut:
    """One support worker, or a 404 refusal."""
    found = await plans.worker(conn, worker_id)
    if found is None:
        raise Refusal("support_worker_not_found", "no such support worker", status=404)
    return worker_out(found)


async def case_plan(conn: asyncpg.Connection, participant_id: UUID, today: date) -> CasePlanOut:
    """Everything in one participant's case plan."""
    plan = await plans.case_plan_of(conn, participant_id)
    if plan is None:
        raise Refusal("case_plan_not_found", "the participant has no case plan", status=404)
    worker = None
    if plan.support_worker_id is not None:
        worker = await plans.worker(conn, plan.support_worker_id)
    placements = [
        placement_out(p, await work.attendance_of(conn, p.placement_id))
        for p in await work.placements_of(conn, plan.case_plan_id)
    ]
    hidden = ("support_worker_id", "consent_withdrawals")
    return CasePlanOut(
        **{k: v for k, v in asdict(plan).items() if k not in hidden},
        overdue=plan.is_overdue(today),
        follow_up_status=consent.follow_up_status(plan),
        consent_withdrawals=[
            ConsentWithdrawalOut(purpose=p, withdrawn_at=at) for p, at in plan.consent_withdrawals
        ],
        support_worker=None if worker is None else worker_out(worker),
        shares_language=None if worker is None else shares_language(worker, plan.languages),
        waiting_position=await plans.waiting_position(conn, plan.case_plan_id),
        goals=[
            GoalOut.model_validate(asdict(g)) for g in await work.goals_of(conn, plan.case_plan_id)
        ],
        activities=[activity_out(a) for a in await work.activities_of(conn, plan.case_plan_id)],
        placements=placements,
        meetings=[meeting_out(m) for m in await meetings.meetings_of_case(conn, plan.case_plan_id)],
    )
