"""How the API shows a meeting (also inside the case plan read and its export)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from services.caseplan.domain.meetings import Meeting
from shared.events.vocabulary import AttendanceStatus, AttendeeRole, MeetingKind


class AttendeeOut(BaseModel):
    """One attendee's attendance."""

    role: AttendeeRole
    status: AttendanceStatus
    label: str | None = None


class MeetingOut(BaseModel):
    """A meeting and, once held, its attendance."""

    meeting_id: UUID
    organisation_id: UUID
    support_worker_id: UUID
    kind: MeetingKind
    starts_at: datetime
    participant_id: UUID | None
    case_plan_id: UUID | None
    municipality: str | None
    status: str = Field(description="scheduled, held or cancelled")
    held_on: date | None
    cancelled_on: date | None
    attendance: list[AttendeeOut]


def meeting_out(m: Meeting) -> MeetingOut:
    """A meeting as the API shows it."""
    return MeetingOut(
        meeting_id=m.meeting_id, organisation_id=m.organisation_id,
        support_worker_id=m.support_worker_id, kind=m.kind, starts_at=m.starts_at,
        participant_id=m.participant_id, case_plan_id=m.case_plan_id,
        municipality=m.municipality, status=m.status.value, held_on=m.held_on,
        cancelled_on=m.cancelled_on,
        attendance=[AttendeeOut(role=a.role, status=a.status, label=a.label)
                    for a in m.attendance],
    )  # fmt: skip
