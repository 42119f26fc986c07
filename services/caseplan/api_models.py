"""Request and response bodies of caseplan's HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from services.caseplan.domain.workers import DEFAULT_CASELOAD_LIMIT
from shared.events.vocabulary import (
    ActivityStatus,
    ActivityType,
    ExitOutcome,
    FollowUpOutcome,
    OpeningKind,
    PlacementOutcome,
    ProviderKind,
)

Municipality = Annotated[str, StringConstraints(min_length=1, max_length=60)]
LanguageCode = Annotated[str, StringConstraints(min_length=2, max_length=35)]


def _unsafe(text: str) -> bool:
    """Control characters (NUL cannot even be stored) or lone surrogates."""
    return any((ord(c) < 32 and c not in "\t\n\r") or "\ud800" <= c <= "\udfff" for c in text)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and _unsafe(t) for t in texts):
            raise ValueError("must not contain control characters")
        return value


class SupportWorkerIn(_Body):
    """A new support worker: who they work for, where, in which languages, how many cases."""

    organisation_id: UUID | None = None
    municipalities: list[Municipality] = Field(default_factory=list, max_length=100)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    caseload_limit: int = Field(DEFAULT_CASELOAD_LIMIT, ge=1, le=500)
    active: bool = True
    contact: str | None = Field(None, max_length=200, description="work phone or e-mail")


class SupportWorkerPatch(_Body):
    """Changes to a support worker; fields left out stay as they are."""

    organisation_id: UUID | None = None
    municipalities: list[Municipality] | None = Field(None, max_length=100)
    languages: list[LanguageCode] | None = Field(None, max_length=20)
    caseload_limit: int | None = Field(None, ge=1, le=500)
    active: bool | None = None
    contact: str | None = Field(None, max_length=200)


class SupportWorkerOut(BaseModel):
    """A support worker and their current caseload."""

    support_worker_id: UUID
    organisation_id: UUID | None
    municipalities: list[str]
    languages: list[str]
    caseload_limit: int
    caseload: int
    free_capacity: int
    active: bool
    contact: str | None = None


class ServiceAgreementIn(_Body):
    """An organisation that is to serve the municipality's participants."""

    organisation_id: UUID
    municipality: Municipality


class ServiceAgreementOut(BaseModel):
    """A service agreement; `ended_at` is set once it has ended."""

    agreement_id: UUID
    organisation_id: UUID
    municipality: str
    created_at: datetime | None
    ended_at: datetime | None
    live: bool


class GoalIn(_Body):
    """A goal for the case plan."""

    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(None, max_length=4000)
    target_on: date | None = None


class GoalOut(BaseModel):
    """A goal in a case plan."""

    goal_id: UUID
    title: str
    description: str | None
    target_on: date | None
    achieved: bool


class ActivityIn(_Body):
    """A new activity in the case plan."""

    activity_type: ActivityType
    status: ActivityStatus = ActivityStatus.PLANNED
    provider_kind: ProviderKind | None = None
    organisation_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    note: str | None = Field(None, max_length=4000)


class ActivityStatusIn(_Body):
    """An activity's new status."""

    status: ActivityStatus


class HoursIn(_Body):
    """Hours worked on one day (positive, hundredths at most, 24 a day at most)."""

    hours: Decimal
    worked_on: date


class ActivityOut(BaseModel):
    """An activity and the hours logged on it."""

    activity_id: UUID
    case_plan_id: UUID
    activity_type: ActivityType
    status: ActivityStatus
    provider_kind: ProviderKind | None
    organisation_id: UUID | None
    starts_on: date | None
    ends_on: date | None
    hours_logged: Decimal
    note: str | None = None


class PlacementHoursIn(HoursIn):
    """Hours logged by staff of the placement's organisation."""

    organisation_id: UUID


class AttendanceIn(_Body):
    """Whether the participant came to the placement on one day."""

    organisation_id: UUID
    attended_on: date
    present: bool = True


class PlacementEndIn(_Body):
    """How a placement ended; `ready_again` false keeps the participant out of matching."""

    organisation_id: UUID
    outcome: PlacementOutcome
    ended_on: date | None = None
    ready_again: bool = True


class PlacementOut(BaseModel):
    """A placement at an organisation."""

    placement_id: UUID
    organisation_id: UUID
    match_id: UUID | None
    opening_id: UUID | None
    opening_kind: OpeningKind | None
    starts_on: date
    hours_per_week: float
    status: str
    outcome: PlacementOutcome | None
    ended_on: date | None
    hours_logged: Decimal
    days_present: int = 0
    days_absent: int = 0


class AttendanceOut(BaseModel):
    """Attendance on a placement so far."""

    placement_id: UUID
    days_present: int
    days_absent: int


class ReadyIn(_Body):
    """The kinds of placement the participant is ready for."""

    opening_kinds: list[OpeningKind] = Field(min_length=1)


class ExitIn(_Body):
    """The participant's situation on leaving."""

    outcome: ExitOutcome
    exited_on: date | None = None


class FollowUpIn(_Body):
    """The situation six months after leaving, or not_reached."""

    outcome: FollowUpOutcome
    followed_up_on: date | None = None


class PriorityIn(_Body):
    """Whether a waiting participant goes ahead of the ordinary queue."""

    priority: bool


class CasePlanOut(BaseModel):
    """A participant's case plan with its goals, activities, placements and worker."""

    case_plan_id: UUID
    participant_id: UUID
    municipality: str
    status: str
    opened_on: date
    planned_end_on: date
    overdue: bool
    support_worker: SupportWorkerOut | None
    waiting_position: int | None
    ready_for_matching: bool
    opening_kinds: list[OpeningKind]
    closed_because: str | None
    exit_outcome: ExitOutcome | None
    exited_on: date | None
    follow_up_due_on: date | None
    follow_up_outcome: FollowUpOutcome | None
    followed_up_on: date | None
    goals: list[GoalOut]
    activities: list[ActivityOut]
    placements: list[PlacementOut]


class WaitingOut(BaseModel):
    """One participant on the waiting list."""

    position: int
    participant_id: UUID
    case_plan_id: UUID
    municipality: str
    priority: bool


class FollowUpDueOut(BaseModel):
    """A follow-up that is due."""

    participant_id: UUID
    case_plan_id: UUID
    exit_outcome: ExitOutcome | None
    exited_on: date | None
    follow_up_due_on: date | None


class EventsOut(BaseModel):
    """What a command emitted, by event type."""

    participant_id: UUID
    events: list[str]
