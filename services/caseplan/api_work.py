"""Caseplan's HTTP API for the work in a plan: goals, activities and placements."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, status

from services.caseplan import access, service_work, views
from services.caseplan.api_models import (
    ActivityIn,
    ActivityOut,
    ActivityStatusIn,
    AttendanceIn,
    AttendanceOut,
    GoalIn,
    GoalOut,
    HoursIn,
    PlacementEndIn,
    PlacementHoursIn,
    PlacementOut,
)
from services.caseplan.commands import run, today
from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import Goal
from shared.auth import Allow, Principal
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

PLAN_404 = "case_plan_not_found"
HOURS = ("hours_invalid", "hours_not_positive", "hours_too_precise", "hours_over_day")
PLACEMENT: dict[int, list[str]] = {
    403: ["other_organisation", "wrong_organisation"],
    404: ["placement_not_found", PLAN_404],
    409: ["placement_ended"],
}


def imported_refusals(*names: str) -> list[str]:
    """The refusals of a history import's days (`shared/history.py`), for the OpenAPI."""
    return [f"{n}_{why}" for n in names for why in ("in_future", "before_floor")]


Staff = Annotated[Principal, Allow("support_worker", "admin")]
"""Support workers of the case's organisation, or an admin."""
PlacementStaff = Annotated[Principal, Allow("workshop", "employer", "support_worker", "admin")]
"""The placement's own workshop or employer, the case's support workers, or an admin."""


@router.post(
    "/case-plans/{case_plan_id}/goals",
    status_code=status.HTTP_201_CREATED,
    responses=refusals({404: [PLAN_404], 409: ["case_closed"], 422: ["title_empty"]}),
)
async def add_goal(case_plan_id: UUID, body: GoalIn, pool: PoolDep, principal: Staff) -> GoalOut:
    """Set a goal in an open case plan."""
    await access.check_plan(pool, principal, case_plan_id=case_plan_id, action="goal.added")
    goal = Goal(uuid4(), case_plan_id, body.title, body.description, body.target_on)

    async def use_case(conn: asyncpg.Connection) -> tuple[Goal, list[Payload]]:
        return await service_work.add_goal(conn, case_plan_id, goal), []

    added = await run(pool, use_case)
    return GoalOut(
        goal_id=added.goal_id,
        title=added.title,
        description=added.description,
        target_on=added.target_on,
        achieved=added.achieved,
    )


@router.post(
    "/case-plans/{case_plan_id}/activities",
    status_code=status.HTTP_201_CREATED,
    responses=refusals(
        {
            404: [PLAN_404],
            409: ["case_closed"],
            422: [
                "ends_before_start",
                "already_finished",
                "starts_before_opening",
                *imported_refusals("starts", "ends"),
            ],
        }
    ),
)
async def add_activity(
    case_plan_id: UUID, body: ActivityIn, pool: PoolDep, principal: Staff
) -> ActivityOut:
    """Add an activity to an open case plan (emits activity.recorded); a history import's
    days lie between 2000-01-01 and today."""
    imported = access.importing(
        principal, today(), starts=("starts_on", body.starts_on), ends=("ends_on", body.ends_on)
    )
    await access.check_plan(
        pool, principal, case_plan_id=case_plan_id, action="activity.added", imported=imported
    )
    activity = Activity(activity_id=uuid4(), case_plan_id=case_plan_id, **body.model_dump())

    async def use_case(conn: asyncpg.Connection) -> tuple[Activity, list[Payload]]:
        return await service_work.add_activity(conn, activity)

    return views.activity_out(await run(pool, use_case))


@router.patch(
    "/case-plans/{case_plan_id}/activities/{activity_id}",
    responses=refusals(
        {
            404: [PLAN_404, "activity_not_found"],
            409: ["case_closed", "activity_finished", "status_change_invalid"],
        }
    ),
)
async def change_activity(
    case_plan_id: UUID, activity_id: UUID, body: ActivityStatusIn, pool: PoolDep, principal: Staff
) -> ActivityOut:
    """Move an activity to a new status (a finished activity stays finished)."""
    imported = access.importing(principal, today())
    await access.check_plan(
        pool, principal, case_plan_id=case_plan_id, action="activity.changed", imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[Activity, list[Payload]]:
        return await service_work.change_activity(conn, case_plan_id, activity_id, body.status)

    return views.activity_out(await run(pool, use_case))


@router.post(
    "/case-plans/{case_plan_id}/activities/{activity_id}/hours",
    responses=refusals(
        {
            404: [PLAN_404, "activity_not_found"],
            409: ["case_closed", "activity_finished"],
            422: ["hours_not_logged_for_type", *HOURS, *imported_refusals("worked")],
        }
    ),
)
async def log_activity_hours(
    case_plan_id: UUID, activity_id: UUID, body: HoursIn, pool: PoolDep, principal: Staff
) -> ActivityOut:
    """Log hours worked on one day of a work practice or training activity."""
    imported = access.importing(principal, today(), worked=("worked_on", body.worked_on))
    await access.check_plan(
        pool, principal, case_plan_id=case_plan_id, action="hours.logged", imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[Activity, list[Payload]]:
        return await service_work.log_activity_hours(
            conn, case_plan_id, activity_id, body.hours, body.worked_on, today()
        )

    return views.activity_out(await run(pool, use_case))


@router.post(
    "/placements/{placement_id}/hours",
    responses=refusals({**PLACEMENT, 422: ["before_start", *HOURS, *imported_refusals("worked")]}),
)
async def log_placement_hours(
    placement_id: UUID, body: PlacementHoursIn, pool: PoolDep, principal: PlacementStaff
) -> PlacementOut:
    """Staff of the placement's organisation log hours worked on one day."""
    imported = access.importing(principal, today(), worked=("worked_on", body.worked_on))
    await access.check_placement(
        pool, principal, placement_id, body.organisation_id, imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[PlacementOut, list[Payload]]:
        placement, events = await service_work.log_placement_hours(
            conn, placement_id, body.organisation_id, body.hours, body.worked_on, today()
        )
        return views.placement_out(placement), events

    return await run(pool, use_case)


@router.post(
    "/placements/{placement_id}/attendance",
    responses=refusals({**PLACEMENT, 422: ["before_start"]}),
)
async def record_attendance(
    placement_id: UUID, body: AttendanceIn, pool: PoolDep, principal: PlacementStaff
) -> AttendanceOut:
    """Staff of the placement's organisation record whether the participant came."""
    await access.check_placement(pool, principal, placement_id, body.organisation_id)

    async def use_case(conn: asyncpg.Connection) -> tuple[AttendanceOut, list[Payload]]:
        days = await service_work.record_attendance(
            conn, placement_id, body.organisation_id, body.attended_on, body.present
        )
        return AttendanceOut(placement_id=placement_id, **days), []

    return await run(pool, use_case)


@router.post(
    "/placements/{placement_id}/end",
    responses=refusals({**PLACEMENT, 422: ["ends_before_start", *imported_refusals("ends")]}),
)
async def end_placement(
    placement_id: UUID, body: PlacementEndIn, pool: PoolDep, principal: PlacementStaff
) -> PlacementOut:
    """End a placement with an outcome; without a hire the participant is ready again."""
    imported = access.importing(principal, today(), ends=("ended_on", body.ended_on))
    await access.check_placement(
        pool, principal, placement_id, body.organisation_id, imported=imported
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[PlacementOut, list[Payload]]:
        placement, events = await service_work.end_placement(
            conn,
            placement_id,
            body.organisation_id,
            body.outcome,
            body.ended_on or today(),
            body.ready_again,
        )
        return views.placement_out(placement), events

    return await run(pool, use_case)
