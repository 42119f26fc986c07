"""Events produced by the caseplan service."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events import streams
from shared.events.envelope import Payload, register
from shared.events.vocabulary import (
    ActivityStatus,
    ActivityType,
    AttendanceStatus,
    AttendeeRole,
    ExitOutcome,
    FollowUpOutcome,
    MeetingKind,
    OpeningKind,
    PlacementOutcome,
    ProviderKind,
)


class _CaseplanEvent(Payload):
    STREAM: ClassVar[str] = streams.CASEPLAN
    participant_id: UUID


@register
class CaseplanOpened(_CaseplanEvent):
    """A case plan opened for a newly registered participant."""

    TYPE: ClassVar[str] = "caseplan.opened"
    case_plan_id: UUID
    municipality: str
    opened_on: date
    planned_end_on: date


@register
class CaseplanWorkerAssigned(_CaseplanEvent):
    """A support worker took the participant's case."""

    TYPE: ClassVar[str] = "caseplan.worker_assigned"
    case_plan_id: UUID
    support_worker_id: UUID
    organisation_id: UUID | None = None
    assigned_on: date
    caseload_limit: int | None = Field(default=None, gt=0)
    """The worker's own caseload limit when they took the case (None: an older event)."""
    shares_language: bool | None = None
    """Whether the worker speaks one of the participant's languages (None: the participant
    named none, or an older event); false when no worker with room shared one."""


@register
class CaseplanWaitlisted(_CaseplanEvent):
    """No support worker had capacity: the participant waits, first in first out."""

    TYPE: ClassVar[str] = "caseplan.waitlisted"
    case_plan_id: UUID
    priority: bool = False
    waitlisted_on: date


@register
class ActivityRecorded(_CaseplanEvent):
    """An activity was added to a case plan or changed status."""

    TYPE: ClassVar[str] = "activity.recorded"
    case_plan_id: UUID
    activity_id: UUID
    activity_type: ActivityType
    status: ActivityStatus
    provider_kind: ProviderKind | None = None
    organisation_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None


@register
class ActivityHoursLogged(_CaseplanEvent):
    """Hours were logged on a work practice or training activity."""

    TYPE: ClassVar[str] = "activity.hours_logged"
    case_plan_id: UUID
    activity_id: UUID
    activity_type: ActivityType
    hours: float = Field(gt=0)
    worked_on: date


@register
class PlacementStarted(_CaseplanEvent):
    """A placement started after an organisation accepted a match."""

    TYPE: ClassVar[str] = "placement.started"
    placement_id: UUID
    match_id: UUID | None = None
    organisation_id: UUID
    opening_id: UUID | None = None
    opening_kind: OpeningKind | None = None
    starts_on: date
    hours_per_week: float = 0


@register
class PlacementHoursLogged(_CaseplanEvent):
    """Workshop staff logged hours on a placement."""

    TYPE: ClassVar[str] = "placement.hours_logged"
    placement_id: UUID
    organisation_id: UUID
    hours: float = Field(gt=0)
    worked_on: date


@register
class PlacementEnded(_CaseplanEvent):
    """A placement ended with an outcome."""

    TYPE: ClassVar[str] = "placement.ended"
    placement_id: UUID
    organisation_id: UUID
    opening_id: UUID | None = None
    outcome: PlacementOutcome
    ended_on: date


@register
class ParticipantReadyForMatching(_CaseplanEvent):
    """A support worker marked the participant ready to be matched to openings."""

    TYPE: ClassVar[str] = "participant.ready_for_matching"
    opening_kinds: list[OpeningKind] = Field(default_factory=list)
    support_worker_contact: str | None = None
    organisation_id: UUID | None = None
    """The support organisation holding the case, whose workers see its proposals (None: an
    older event, or a case nobody holds)."""


@register
class ParticipantExited(_CaseplanEvent):
    """The case closed; the participant left the operation with an outcome."""

    TYPE: ClassVar[str] = "participant.exited"
    case_plan_id: UUID
    outcome: ExitOutcome
    exited_on: date
    follow_up_due_on: date


@register
class ParticipantFollowUpDue(_CaseplanEvent):
    """A closed case's follow-up fell due (told once per case, while it may be collected)."""

    TYPE: ClassVar[str] = "participant.follow_up_due"
    case_plan_id: UUID
    organisation_id: UUID | None = None
    """The support organisation that kept the case (None: nobody kept it)."""
    follow_up_due_on: date


@register
class ParticipantFollowedUp(_CaseplanEvent):
    """The situation six months after leaving was recorded."""

    TYPE: ClassVar[str] = "participant.followed_up"
    case_plan_id: UUID
    outcome: FollowUpOutcome
    followed_up_on: date


class _MeetingEvent(Payload):
    """What every meeting event carries, so a consumer needs no other to place it."""

    STREAM: ClassVar[str] = streams.CASEPLAN
    meeting_id: UUID
    organisation_id: UUID
    support_worker_id: UUID
    kind: MeetingKind
    starts_at: datetime
    participant_id: UUID | None = None
    """The participant met (a participant meeting); None for a team meeting."""
    case_plan_id: UUID | None = None
    municipality: str | None = None


@register
class MeetingScheduled(_MeetingEvent):
    """A support worker scheduled a meeting with a participant, or a team meeting."""

    TYPE: ClassVar[str] = "meeting.scheduled"


@register
class MeetingCancelled(_MeetingEvent):
    """A scheduled meeting was cancelled before it was held."""

    TYPE: ClassVar[str] = "meeting.cancelled"
    cancelled_on: date


class MeetingAttendance(BaseModel):
    """One attendee's attendance: their role and whether they came (no names)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    role: AttendeeRole
    status: AttendanceStatus


@register
class MeetingAttendanceRecorded(_MeetingEvent):
    """A meeting was held: each attendee's attendance, recorded once."""

    TYPE: ClassVar[str] = "meeting.attendance_recorded"
    held_on: date
    attendance: list[MeetingAttendance] = Field(default_factory=list)
