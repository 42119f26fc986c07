"""Events produced by the caseplan service."""

from __future__ import annotations

from datetime import date
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.events import streams
from shared.events.envelope import Payload, register
from shared.events.vocabulary import (
    ActivityStatus,
    ActivityType,
    ExitOutcome,
    FollowUpOutcome,
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
class ParticipantFollowedUp(_CaseplanEvent):
    """The situation six months after leaving was recorded."""

    TYPE: ClassVar[str] = "participant.followed_up"
    case_plan_id: UUID
    outcome: FollowUpOutcome
    followed_up_on: date
