"""Caseplan's HTTP API for the work in a plan: goals, activities and placements."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, status

from services.caseplan import access, service_work, views
from services.caseplan.commands import run, today
from services.caseplan.domain import timesheet
from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import Goal
from services.caseplan.schemas import (
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
    PlacementTimesheetIn,
    PlacementTimesheetOut,
    PlacementTimesheetRowOut,
    TimesheetIn,
    TimesheetOut,
    TimesheetRowOut,
)
from shared.auth import Allow, Principal
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

PLAN_404 = "case_plan_not_found"
HOURS = ("hours_invalid", "hours_not_positive", "hours_too_precise", "hours_over_day")
DAYS = ("worked_before_start", "worked_in_future")
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
                "completed_in_future",
                "hours_not_logged_for_type",
                *HOURS,
                *DAYS,
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
    fields = body.model_dump(exclude={"hours"})
    activity = Activity(activity_id=uuid4(), case_plan_id=case_plan_id, **fields)
    days = [(d.worked_on, d.hours) for d in body.hours]

    async def use_case(conn: asyncpg.Connection) -> tuple[Activity, list[Payload]]:
        return await service_work.add_activity(conn, activity, days, today())

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
            422: ["hours_not_logged_for_type", *HOURS, *DAYS, *imported_refusals("worked")],
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
    "/timesheets",
    responses=refusals({422: ["timesheet_refused"]}),
)
async def log_timesheet(body: TimesheetIn, pool: PoolDep, principal: Staff) -> TimesheetOut:
    """Log a timesheet (a week of hours for many people) whole, or refuse it whole.

    Each row is checked as one logging of hours is (`POST .../hours`), rows of one activity
    and day adding up within the sheet. If any row is refused nothing is logged: 422
    `timesheet_refused` lists every refused row by `index` with its own `reason`, `status`
    and `field`. Emits activity.hours_logged per row.
    """
    rows = [
        timesheet.HoursRow(r.case_plan_id, r.activity_id, r.worked_on, r.hours) for r in body.rows
    ]
    visible = await access.check_plans(
        pool, principal, (r.case_plan_id for r in rows), action="hours.logged"
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[TimesheetOut, list[Payload]]:
        logged, events = await service_work.log_timesheet(conn, rows, today(), visible)
        out = [TimesheetRowOut(activity_id=r.of, **_row(r)) for r in logged]
        total = sum((r.hours for r in logged), Decimal(0))
        return TimesheetOut(logged=len(out), hours=total, rows=out), events

    return await run(pool, use_case)


def _row(r: timesheet.Logged) -> dict[str, Any]:
    return {k: v for k, v in asdict(r).items() if k != "of"}


@router.post(
    "/placement-timesheets",
    responses=refusals({403: ["other_organisation"], 422: ["timesheet_refused"]}),
)
async def log_placement_timesheet(
    body: PlacementTimesheetIn, pool: PoolDep, principal: PlacementStaff
) -> PlacementTimesheetOut:
    """A workshop or employer logs a timesheet on its placements whole, or it is refused whole.

    Each row is checked as one logging on a placement is (`POST /placements/{id}/hours`),
    rows of one placement and day adding up; any refused row refuses the sheet: 422
    `timesheet_refused` with every refused row's `index`, `reason`, `status` and `field`.
    Emits placement.hours_logged per row.
    """
    rows = [timesheet.PlacementHoursRow(r.placement_id, r.worked_on, r.hours) for r in body.rows]
    visible = await access.check_placements(
        pool, principal, (r.placement_id for r in rows), body.organisation_id
    )

    async def use_case(conn: asyncpg.Connection) -> tuple[PlacementTimesheetOut, list[Payload]]:
        logged, events = await service_work.log_placement_timesheet(
            conn, rows, body.organisation_id, today(), visible
        )
        out = [PlacementTimesheetRowOut(placement_id=r.of, **_row(r)) for r in logged]
        total = sum((r.hours for r in logged), Decimal(0))
        return PlacementTimesheetOut(logged=len(out), hours=total, rows=out), events

    return await run(pool, use_case)


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
