"""Caseplan's use cases for the work in a plan: goals, activities, placements and hours.

Each runs inside the caller's transaction and returns the events to record. The case plan
row is locked before the activity or placement row, always in that order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain import activities as acts
from services.caseplan.domain import case_plan as cases
from services.caseplan.domain import placements as places
from services.caseplan.domain import timesheet
from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import CasePlan, Goal
from services.caseplan.domain.placements import Placement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import network, plans, work
from services.caseplan.service import case_organisation, plan_unless_erased, worker_contact
from shared.events.envelope import Payload
from shared.events.matching import MatchAccepted
from shared.events.vocabulary import ActivityStatus, PlacementOutcome
from shared.ids import uuid7

log = logging.getLogger("polku.caseplan")
Conn: TypeAlias = asyncpg.Connection


async def _plan(conn: Conn, case_plan_id: UUID) -> CasePlan:
    plan = await plans.case_plan_by_id(conn, case_plan_id, lock=True)
    if plan is None:
        raise Refusal("case_plan_not_found", "no such case plan", status=404)
    return plan


async def add_goal(conn: Conn, case_plan_id: UUID, goal: Goal) -> Goal:
    """Set a goal in an open case plan."""
    plan = await _plan(conn, case_plan_id)
    added = cases.add_goal(plan, goal)
    await work.insert_goal(conn, added)
    return added


async def add_activity(
    conn: Conn,
    activity: Activity,
    days: Sequence[tuple[date, Decimal]],
    today: date,
) -> tuple[Activity, list[Payload]]:
    """Add an activity to an open case plan, possibly already completed, with its hours."""
    plan = await _plan(conn, activity.case_plan_id)
    added, exact_days, events = timesheet.record_activity(plan, activity, days, today)
    await work.insert_activity(conn, added)
    await work.add_many_activity_hours(conn, [(added.activity_id, d, h) for d, h in exact_days])
    return added, events


async def log_timesheet(
    conn: Conn, rows: Sequence[timesheet.HoursRow], today: date, visible: set[UUID]
) -> tuple[list[timesheet.Logged], list[Payload]]:
    """Log a timesheet whole, or refuse it whole with a reason per refused row; a case plan
    outside `visible` (the caller's scope) is not found."""
    wanted = sorted({r.case_plan_id for r in rows} & visible)
    plans_by_id = await plans.case_plans_by_ids(conn, wanted)
    found = await work.activities_by_ids(conn, sorted({r.activity_id for r in rows}))
    already = await work.activity_hours_on_days(
        conn, sorted({(r.activity_id, r.worked_on) for r in rows})
    )
    sheet = timesheet.log_timesheet(
        rows, plans=plans_by_id, activities=found, already=already, today=today
    )
    if sheet.refused:
        raise timesheet.TimesheetRefused(sheet.refused)
    await work.add_many_activity_hours(conn, [(r.of, r.worked_on, r.hours) for r in sheet.logged])
    return sheet.logged, sheet.events


async def _activity(conn: Conn, case_plan_id: UUID, activity_id: UUID) -> Activity:
    found = await work.activity(conn, activity_id, lock=True)
    if found is None or found.case_plan_id != case_plan_id:
        raise Refusal("activity_not_found", "no such activity in this case plan", status=404)
    return found


async def change_activity(
    conn: Conn, case_plan_id: UUID, activity_id: UUID, status: ActivityStatus
) -> tuple[Activity, list[Payload]]:
    """Move an activity to a new status."""
    plan = await _plan(conn, case_plan_id)
    changed, events = acts.change_status(
        plan, await _activity(conn, case_plan_id, activity_id), status
    )
    await work.save_activity_status(conn, changed)
    return changed, events


async def log_activity_hours(
    conn: Conn,
    case_plan_id: UUID,
    activity_id: UUID,
    hours: Decimal,
    worked_on: date,
    today: date,
) -> tuple[Activity, list[Payload]]:
    """Log hours worked on one day of a work practice or training activity."""
    plan = await _plan(conn, case_plan_id)
    activity = await _activity(conn, case_plan_id, activity_id)
    already = await work.activity_hours_on(conn, activity_id, worked_on)
    logged, exact, events = acts.log_hours(
        plan, activity, hours=hours, worked_on=worked_on, already_that_day=already, today=today
    )
    await work.add_activity_hours(conn, activity_id, worked_on, exact)
    return logged, events


# -- placements ----------------------------------------------------------------------------
async def remember_network(
    conn: Conn, organisation_id: UUID, central_workshop_id: UUID | None, at: datetime
) -> None:
    """Matching told an organisation's central workshop (None: not a satellite)."""
    await network.save_organisation(conn, organisation_id, central_workshop_id, at)


async def start_placement(conn: Conn, match: MatchAccepted, today: date) -> list[Payload]:
    """An organisation accepted a match: the participant's placement starts."""
    plan = await plan_unless_erased(conn, match.participant_id)
    if plan is None:
        return []  # erased before the acceptance arrived: nothing to start, nothing to retry
    placement = Placement(
        placement_id=uuid7(),
        case_plan_id=plan.case_plan_id,
        participant_id=plan.participant_id,
        organisation_id=match.organisation_id,
        starts_on=match.starts_on or today,
        match_id=match.match_id,
        opening_id=match.opening_id,
        opening_kind=match.opening_kind,
        hours_per_week=match.hours_per_week,
    )
    try:
        started, events = places.start_placement(plan, placement)
    except Refusal as refusal:
        # The case closed before the acceptance arrived: nothing to start, nothing to retry.
        log.warning("match %s not placed: %s", match.match_id, refusal.reason)
        return []
    if not await work.insert_placement(conn, placement):
        return []
    await plans.save_case_plan(conn, started)
    return events


async def _placement(conn: Conn, placement_id: UUID) -> tuple[CasePlan, Placement]:
    found = await work.placement(conn, placement_id)
    if found is None:
        raise Refusal("placement_not_found", "no such placement", status=404)
    plan = await _plan(conn, found.case_plan_id)
    locked = await work.placement(conn, placement_id, lock=True)
    assert locked is not None
    return plan, locked


async def log_placement_hours(
    conn: Conn,
    placement_id: UUID,
    organisation_id: UUID,
    hours: Decimal,
    worked_on: date,
    today: date,
) -> tuple[Placement, list[Payload]]:
    """Workshop staff log hours worked on one day of a placement."""
    _, placement = await _placement(conn, placement_id)
    already = await work.placement_hours_on(conn, placement_id, worked_on)
    logged, exact, events = places.log_placement_hours(
        placement,
        organisation_id=organisation_id,
        hours=hours,
        worked_on=worked_on,
        already_that_day=already,
        today=today,
    )
    await work.add_placement_hours(conn, placement_id, worked_on, exact)
    return logged, events


async def log_placement_timesheet(
    conn: Conn,
    rows: Sequence[timesheet.PlacementHoursRow],
    organisation_id: UUID,
    today: date,
    visible: set[UUID],
) -> tuple[list[timesheet.Logged], list[Payload]]:
    """Log a workshop's or employer's timesheet whole, or refuse it whole with a reason per
    refused row; a placement outside `visible` (the caller's scope) is not found."""
    wanted = sorted({r.placement_id for r in rows} & visible)
    await plans.case_plans_by_ids(conn, await work.plans_of_placements(conn, wanted))  # locks
    found = await work.placements_by_ids(conn, wanted)
    already = await work.placement_hours_on_days(
        conn, sorted({(r.placement_id, r.worked_on) for r in rows})
    )
    sheet = timesheet.log_placement_timesheet(
        rows, placements=found, organisation_id=organisation_id, already=already, today=today
    )
    if sheet.refused:
        raise timesheet.TimesheetRefused(sheet.refused)
    await work.add_many_placement_hours(conn, [(r.of, r.worked_on, r.hours) for r in sheet.logged])
    return sheet.logged, sheet.events


async def record_attendance(
    conn: Conn, placement_id: UUID, organisation_id: UUID, on: date, present: bool
) -> dict[str, int]:
    """Record whether the participant came on one day; returns the attendance so far."""
    _, placement = await _placement(conn, placement_id)
    places.check_attendance(placement, organisation_id=organisation_id, on=on)
    await work.record_attendance(conn, placement_id, on, present)
    return await work.attendance_of(conn, placement_id)


async def end_placement(
    conn: Conn,
    placement_id: UUID,
    organisation_id: UUID,
    outcome: PlacementOutcome,
    ended_on: date,
    ready_again: bool,
) -> tuple[Placement, list[Payload]]:
    """End a placement with an outcome; without a hire the participant is ready again."""
    plan, placement = await _placement(conn, placement_id)
    new_plan, ended, events = places.end_placement(
        plan,
        placement,
        organisation_id=organisation_id,
        outcome=outcome,
        ended_on=ended_on,
        ready_again=ready_again,
        contact=await worker_contact(conn, plan),
        case_organisation=await case_organisation(conn, plan),
    )
    await work.save_placement_end(conn, ended)
    await plans.save_case_plan(conn, new_plan)
    return ended, events
