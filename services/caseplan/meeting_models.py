"""The meetings API's request and response models."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import Field, StringConstraints

from services.caseplan.meeting_out import AttendeeOut, MeetingOut
from services.caseplan.schemas import Body, Municipality
from shared.events.vocabulary import AttendanceStatus, AttendeeRole, MeetingKind
from shared.json_schema import IsoDateTime

__all__ = ["AttendanceRecordIn", "AttendeeIn", "AttendeeOut", "MeetingIn", "MeetingOut"]

Label = Annotated[str, StringConstraints(min_length=1, max_length=100)]

WORKER = "5d1c2b7a-1e0f-4c3b-8a9d-6e5f4a3b2c1d"
ORGANISATION = "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11"


class MeetingIn(Body):
    """A meeting to schedule: with one participant, or a team meeting without one."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": ORGANISATION,
        "support_worker_id": WORKER,
        "kind": "participant_meeting",
        "participant_id": "3f2b1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "starts_at": "2026-03-03T10:00:00+02:00",
    }
    organisation_id: UUID
    support_worker_id: UUID
    kind: MeetingKind
    starts_at: IsoDateTime = Field(description="when it starts (without an offset: UTC)")
    participant_id: UUID | None = Field(None, description="required for a participant meeting")
    municipality: Municipality | None = Field(
        None, description="a team meeting's municipality (a participant meeting takes the case's)"
    )


class AttendeeIn(Body):
    """One attendee's attendance; `label` names an `other` attendee's role, never a person."""

    example: ClassVar[dict[str, Any]] = {"role": "participant", "status": "present"}
    role: AttendeeRole
    status: AttendanceStatus
    label: Label | None = None


class AttendanceRecordIn(Body):
    """Everyone's attendance at a meeting that was held, recorded once."""

    example: ClassVar[dict[str, Any]] = {
        "attendance": [
            {"role": "participant", "status": "no_show"},
            {"role": "support_worker", "status": "present"},
            {"role": "other", "label": "municipality social worker", "status": "excused"},
        ]
    }
    attendance: list[AttendeeIn] = Field(min_length=1, max_length=50)
