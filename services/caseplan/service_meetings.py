"""Caseplan's use cases for meetings: schedule, cancel, record attendance, list.

Each runs inside the caller's transaction and returns the events to record; the case plan
row is locked before the meeting row, always in that order.
"""

from __future__ import annotations

from datetime import date
from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain import meetings as rules
from services.caseplan.domain.meetings import Attendance, Meeting
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import meetings as store
from services.caseplan.repository import plans
from shared.events.envelope import Payload

Conn: TypeAlias = asyncpg.Connection


def not_found() -> Refusal:
    """The refusal for a meeting that does not exist or is out of the caller's scope."""
    return Refusal("meeting_not_found", "no such meeting", status=404)


async def schedule(
    conn: Conn, meeting: Meeting, participant_id: UUID | None, today: date
) -> tuple[Meeting, list[Payload]]:
    """Schedule a meeting of one of the organisation's workers (with the participant)."""
    worker = await plans.worker(conn, meeting.support_worker_id)
    if worker is None:
        raise Refusal("support_worker_not_found", "no such support worker", status=404)
    plan, serving = None, set[UUID]()
    if participant_id is not None:
        plan = await plans.case_plan_of(conn, participant_id, lock=True)
        if plan is None:
            raise Refusal("case_plan_not_found", "the participant has no case plan", status=404)
        serving = await _serving(conn, plan.organisation_id, plan.support_worker_id)
    scheduled, events = rules.schedule(
        meeting, worker=worker, plan=plan, case_organisations=serving, today=today
    )
    await store.insert_meeting(conn, scheduled)
    return scheduled, list(events)


async def _serving(conn: Conn, organisation_id: UUID | None, worker_id: UUID | None) -> set[UUID]:
    """The organisations serving a case: the plan's, and its worker's."""
    found = {organisation_id}
    if worker_id is not None:
        worker = await plans.worker(conn, worker_id)
        found.add(None if worker is None else worker.organisation_id)
    return {o for o in found if o is not None}


async def _locked(conn: Conn, meeting_id: UUID) -> Meeting:
    found = await store.meeting(conn, meeting_id)
    if found is None:
        raise not_found()
    if found.case_plan_id is not None:  # the plan first, as every write of the plan does
        await plans.case_plan_by_id(conn, found.case_plan_id, lock=True)
    locked = await store.meeting(conn, meeting_id, lock=True)
    assert locked is not None  # meetings are never deleted but with their plan's person
    return locked


async def cancel(conn: Conn, meeting_id: UUID, today: date) -> tuple[Meeting, list[Payload]]:
    """Cancel a meeting not yet held."""
    cancelled, events = rules.cancel(await _locked(conn, meeting_id), today)
    await store.save_outcome(conn, cancelled)
    return cancelled, list(events)


async def record_attendance(
    conn: Conn, meeting_id: UUID, attendance: list[Attendance], today: date
) -> tuple[Meeting, list[Payload]]:
    """Record who came to a meeting that was held."""
    held, events = rules.record_attendance(await _locked(conn, meeting_id), attendance, today)
    await store.save_outcome(conn, held)
    return held, list(events)
