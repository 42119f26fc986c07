"""Caseplan's HTTP API for meetings: support workers meet participants and hold team meetings."""

from __future__ import annotations

import re
from datetime import UTC, date
from typing import Annotated, Any
from uuid import UUID, uuid4

import asyncpg
from fastapi import APIRouter, Query, status
from pydantic import BeforeValidator

from services.caseplan import access, service_meetings
from services.caseplan.commands import read, run, today
from services.caseplan.domain.meetings import Attendance, Meeting
from services.caseplan.domain.refusal import Refusal
from services.caseplan.meeting_models import AttendanceRecordIn, MeetingIn, MeetingOut
from services.caseplan.meeting_out import meeting_out
from services.caseplan.repository import meetings as store
from services.caseplan.repository import plans
from shared.auth import Allow, Principal
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

Staff = Annotated[Principal, Allow("support_worker", "admin")]
"""Support workers of the meeting's organisation, or an admin."""
Reader = Annotated[Principal, Allow("municipality", "support_worker", "admin")]
"""Who may read a case plan (its meetings too)."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone would take '0' as a Unix time)."""
    if value is not None and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        raise ValueError("not a date: use YYYY-MM-DD")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_date)]
FOUND = {404: ["meeting_not_found"]}
HELD = ["meeting_cancelled", "attendance_already_recorded"]
ATTENDANCE = [
    "attendance_empty", "no_show_only_for_participants", "attendee_twice",
    "participant_in_team_meeting", "participant_attendance_missing",
]  # fmt: skip


@router.post(
    "/meetings",
    status_code=status.HTTP_201_CREATED,
    responses=refusals({
        403: ["other_organisation"],
        404: ["support_worker_not_found", "case_plan_not_found"],
        409: ["support_worker_inactive", "case_closed", "case_of_other_organisation"],
        422: ["worker_of_other_organisation", "meeting_too_far", "participant_required",
              "participant_in_team_meeting"],
    }),
)  # fmt: skip
async def schedule_meeting(body: MeetingIn, pool: PoolDep, principal: Staff) -> MeetingOut:
    """Schedule a meeting with one participant, or a team meeting (emits meeting.scheduled)."""
    access.check_organisation(principal, body.organisation_id)
    if body.participant_id is not None:
        await access.check_plan(
            pool, principal, participant_id=body.participant_id, action="meeting.scheduled"
        )
    starts_at = body.starts_at if body.starts_at.tzinfo else body.starts_at.replace(tzinfo=UTC)
    meeting = Meeting(
        meeting_id=uuid4(), organisation_id=body.organisation_id,
        support_worker_id=body.support_worker_id, kind=body.kind, starts_at=starts_at,
        municipality=body.municipality,
    )  # fmt: skip

    async def use_case(conn: asyncpg.Connection) -> tuple[MeetingOut, list[Payload]]:
        m, events = await service_meetings.schedule(conn, meeting, body.participant_id, today())
        return meeting_out(m), events

    return await run(pool, use_case)


@router.post(
    "/meetings/{meeting_id}/attendance",
    responses=refusals({**FOUND, 409: [*HELD, "meeting_in_future"], 422: ATTENDANCE}),
)
async def record_attendance(
    meeting_id: UUID, body: AttendanceRecordIn, pool: PoolDep, principal: Staff
) -> MeetingOut:
    """Record each attendee's attendance at a meeting that was held, once (emits
    meeting.attendance_recorded)."""
    await access.check_meeting(pool, principal, meeting_id, "meeting.attendance_recorded")
    attendance = [Attendance(a.role, a.status, a.label) for a in body.attendance]

    async def use_case(conn: asyncpg.Connection) -> tuple[MeetingOut, list[Payload]]:
        m, events = await service_meetings.record_attendance(conn, meeting_id, attendance, today())
        return meeting_out(m), events

    return await run(pool, use_case)


@router.post("/meetings/{meeting_id}/cancel", responses=refusals({**FOUND, 409: HELD}))
async def cancel_meeting(meeting_id: UUID, pool: PoolDep, principal: Staff) -> MeetingOut:
    """Cancel a meeting not yet held (emits meeting.cancelled)."""
    await access.check_meeting(pool, principal, meeting_id, "meeting.cancelled")

    async def use_case(conn: asyncpg.Connection) -> tuple[MeetingOut, list[Payload]]:
        m, events = await service_meetings.cancel(conn, meeting_id, today())
        return meeting_out(m), events

    return await run(pool, use_case)


@router.get("/meetings/{meeting_id}", responses=refusals(FOUND))
async def get_meeting(meeting_id: UUID, pool: PoolDep, principal: Staff) -> MeetingOut:
    """One meeting with its attendance."""
    await access.check_meeting(pool, principal, meeting_id, "meeting.read")
    found = await read(pool, lambda conn: store.meeting(conn, meeting_id))
    if found is None:
        raise service_meetings.not_found()
    return meeting_out(found)


@router.get(
    "/participants/{participant_id}/meetings", responses=refusals({404: ["case_plan_not_found"]})
)
async def participant_meetings(
    participant_id: UUID, pool: PoolDep, principal: Reader
) -> list[MeetingOut]:
    """The meetings of a participant's case, in time order."""
    await access.check_plan(pool, principal, participant_id=participant_id, action="meeting.read")

    async def query(conn: asyncpg.Connection) -> list[Meeting]:
        plan = await plans.case_plan_of(conn, participant_id)
        if plan is None:
            raise Refusal("case_plan_not_found", "the participant has no case plan", status=404)
        return await store.meetings_of_case(conn, plan.case_plan_id)

    return [meeting_out(m) for m in await read(pool, query)]


@router.get(
    "/organisations/{organisation_id}/meetings",
    responses=refusals({403: ["other_organisation"], 422: ["period_invalid"]}),
)
async def organisation_meetings(
    organisation_id: UUID,
    pool: PoolDep,
    principal: Staff,
    start: Annotated[Day, Query(alias="from", description="first day (UTC)")] = None,
    end: Annotated[Day, Query(alias="to", description="last day (UTC)")] = None,
) -> list[MeetingOut]:
    """An organisation's meetings (team meetings included) starting in the period."""
    access.check_organisation(principal, organisation_id)
    if start is not None and end is not None and end < start:
        raise Refusal("period_invalid", "`to` is before `from`", status=422, field="to")
    rows = await read(
        pool, lambda conn: store.meetings_of_organisation(conn, organisation_id, start, end)
    )
    return [meeting_out(m) for m in rows]
