"""Request and response bodies of caseplan's HTTP API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    field_validator,
)
from pydantic.config import JsonDict

from services.caseplan.domain.timesheet import MAX_ROWS as TIMESHEET_ROWS
from services.caseplan.domain.workers import DEFAULT_CASELOAD_LIMIT
from services.caseplan.meeting_out import MeetingOut
from shared.events.vocabulary import (
    ActivityStatus,
    ActivityType,
    ConsentPurpose,
    ExitOutcome,
    FollowUpOutcome,
    OpeningKind,
    PlacementOutcome,
    ProviderKind,
)
from shared.json_schema import AS_INTEGER, IsoDate, JsonInt, example, forbid_characters
from shared.json_schema import Decimal as JsonDecimal

Municipality = Annotated[str, StringConstraints(min_length=1, max_length=60)]
LanguageCode = Annotated[str, StringConstraints(min_length=2, max_length=35)]


def _unsafe(text: str) -> bool:
    """Control characters (NUL cannot even be stored) or lone surrogates."""
    return any((ord(c) < 32 and c not in "\t\n\r") or "\ud800" <= c <= "\udfff" for c in text)


PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
"""What `_unsafe` lets through, as a JSON Schema pattern (JSON text carries no lone
surrogates, and a character class of them defeats schemathesis's generator)."""


def _documented(schema: JsonDict, model: type[BaseModel]) -> None:
    """The schema says `_printable`'s rule and shows the model's example."""
    forbid_characters(schema, PRINTABLE)
    body: dict[str, Any] | None = getattr(model, "example", None)
    if body is not None:
        schema.update(example(body))


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_documented)

    @field_validator("*")
    @classmethod
    def _printable(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and _unsafe(t) for t in texts):
            raise ValueError("must not contain control characters")
        return value


class SupportWorkerIn(_Body):
    """A new support worker: who they work for, where, in which languages, how many cases."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
        "municipalities": ["Tartu"],
        "languages": ["et", "ru"],
        "caseload_limit": 30,
        "contact": "+372 5555 1234",
    }
    organisation_id: UUID | None = None
    municipalities: list[Municipality] = Field(default_factory=list, max_length=100)
    languages: list[LanguageCode] = Field(default_factory=list, max_length=20)
    caseload_limit: JsonInt = Field(DEFAULT_CASELOAD_LIMIT, ge=1, le=500)
    active: StrictBool = True
    contact: str | None = Field(None, max_length=200, description="work phone or e-mail")


class SupportWorkerPatch(_Body):
    """Changes to a support worker; fields left out stay as they are."""

    example: ClassVar[dict[str, Any]] = {"caseload_limit": 35, "active": True}
    organisation_id: UUID | None = None
    municipalities: list[Municipality] | None = Field(None, max_length=100)
    languages: list[LanguageCode] | None = Field(None, max_length=20)
    caseload_limit: Annotated[int, Field(ge=1, le=500), AS_INTEGER] | None = None
    active: StrictBool | None = None
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
    active: StrictBool
    contact: str | None = None


class ServiceAgreementIn(_Body):
    """An organisation that is to serve the municipality's participants."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": "0b7d2f6e-3c1a-4e8b-9f2d-5a6c7e8f9a0b",
        "municipality": "Kaustinen",
    }
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

    example: ClassVar[dict[str, Any]] = {
        "title": "Find a work practice place",
        "description": "Three months in a workshop",
        "target_on": "2026-09-30",
    }
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(None, max_length=4000)
    target_on: IsoDate | None = None


class GoalOut(BaseModel):
    """A goal in a case plan."""

    goal_id: UUID
    title: str
    description: str | None
    target_on: date | None
    achieved: bool


class DayHoursIn(_Body):
    """Hours worked on one day of a new activity."""

    example: ClassVar[dict[str, Any]] = {"worked_on": "2026-03-03", "hours": 4.5}
    worked_on: IsoDate
    hours: JsonDecimal


class ActivityIn(_Body):
    """A new activity in the case plan; `completed` with its dates and hours records one
    already done in one write (its start and end not after today)."""

    example: ClassVar[dict[str, Any]] = {
        "activity_type": "work_practice",
        "status": "planned",
        "provider_kind": "workshop",
        "starts_on": "2026-03-02",
        "ends_on": "2026-05-29",
        "note": "Mornings only",
    }
    activity_type: ActivityType
    status: ActivityStatus = ActivityStatus.PLANNED
    provider_kind: ProviderKind | None = None
    organisation_id: UUID | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    note: str | None = Field(None, max_length=4000)
    hours: list[DayHoursIn] = Field(default_factory=list, max_length=400)


class ActivityStatusIn(_Body):
    """An activity's new status."""

    example: ClassVar[dict[str, Any]] = {"status": "in_progress"}
    status: ActivityStatus


class HoursIn(_Body):
    """Hours worked on one day (positive, hundredths at most, 24 a day at most)."""

    example: ClassVar[dict[str, Any]] = {"hours": 4.5, "worked_on": "2026-03-03"}
    hours: JsonDecimal
    worked_on: IsoDate


class TimesheetRowIn(_Body):
    """Hours worked on one day of one activity in a case plan."""

    example: ClassVar[dict[str, Any]] = {
        "case_plan_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e0f",
        "activity_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e10",
        "worked_on": "2026-03-03",
        "hours": 4.5,
    }
    case_plan_id: UUID
    activity_id: UUID
    worked_on: IsoDate
    hours: JsonDecimal


class TimesheetIn(_Body):
    """A timesheet: hours of many days and people, logged whole or refused whole."""

    example: ClassVar[dict[str, Any]] = {
        "rows": [
            {
                "case_plan_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e0f",
                "activity_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e10",
                "worked_on": "2026-03-02",
                "hours": 4,
            },
            {
                "case_plan_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e0f",
                "activity_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e10",
                "worked_on": "2026-03-03",
                "hours": 4.5,
            },
        ]
    }
    rows: list[TimesheetRowIn] = Field(min_length=1, max_length=TIMESHEET_ROWS)


class PlacementTimesheetRowIn(_Body):
    """Hours worked on one day of one placement."""

    example: ClassVar[dict[str, Any]] = {
        "placement_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e11",
        "worked_on": "2026-03-03",
        "hours": 6,
    }
    placement_id: UUID
    worked_on: IsoDate
    hours: JsonDecimal


class PlacementTimesheetIn(_Body):
    """A workshop's or employer's timesheet, in its own name: logged whole or refused whole."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
        "rows": [
            {"placement_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e11", "worked_on": "2026-03-02",
             "hours": 6},
            {"placement_id": "0190c2a4-7b1e-7c3d-8e4f-5a6b7c8d9e12", "worked_on": "2026-03-02",
             "hours": 4.5},
        ],
    }  # fmt: skip
    organisation_id: UUID
    rows: list[PlacementTimesheetRowIn] = Field(min_length=1, max_length=TIMESHEET_ROWS)


class TimesheetRowOut(BaseModel):
    """A logged row: its place in the sheet and the activity's hours after it."""

    index: int
    activity_id: UUID
    worked_on: date
    hours: Decimal
    hours_logged: Decimal


class TimesheetOut(BaseModel):
    """Every row of the timesheet, logged."""

    logged: int
    hours: Decimal
    rows: list[TimesheetRowOut]


class PlacementTimesheetRowOut(BaseModel):
    """A logged row: its place in the sheet and the placement's hours after it."""

    index: int
    placement_id: UUID
    worked_on: date
    hours: Decimal
    hours_logged: Decimal


class PlacementTimesheetOut(BaseModel):
    """Every row of the placement timesheet, logged."""

    logged: int
    hours: Decimal
    rows: list[PlacementTimesheetRowOut]


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

    example: ClassVar[dict[str, Any]] = {
        "hours": 6,
        "worked_on": "2026-03-03",
        "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
    }
    organisation_id: UUID


class AttendanceIn(_Body):
    """Whether the participant came to the placement on one day."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
        "attended_on": "2026-03-03",
        "present": True,
    }
    organisation_id: UUID
    attended_on: IsoDate
    present: StrictBool = True


class PlacementEndIn(_Body):
    """How a placement ended; `ready_again` false keeps the participant out of matching."""

    example: ClassVar[dict[str, Any]] = {
        "organisation_id": "0b6f3c52-4e1d-4a57-9a43-7d2c1f0e9a11",
        "outcome": "hired",
        "ended_on": "2026-06-30",
        "ready_again": False,
    }
    organisation_id: UUID
    outcome: PlacementOutcome
    ended_on: IsoDate | None = None
    ready_again: StrictBool = True


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

    example: ClassVar[dict[str, Any]] = {"opening_kinds": ["work_practice", "workshop_place"]}
    opening_kinds: list[OpeningKind] = Field(min_length=1)


class ExitIn(_Body):
    """The participant's situation on leaving."""

    example: ClassVar[dict[str, Any]] = {"outcome": "employed", "exited_on": "2026-07-01"}
    outcome: ExitOutcome
    exited_on: IsoDate | None = None


class FollowUpIn(_Body):
    """The situation six months after leaving, or not_reached."""

    example: ClassVar[dict[str, Any]] = {"outcome": "employed", "followed_up_on": "2027-01-05"}
    outcome: FollowUpOutcome
    followed_up_on: IsoDate | None = None


class PriorityIn(_Body):
    """Whether a waiting participant goes ahead of the ordinary queue."""

    example: ClassVar[dict[str, Any]] = {"priority": True}
    priority: StrictBool


class ConsentWithdrawalOut(BaseModel):
    """A consent purpose the participant withdrew, and when."""

    purpose: ConsentPurpose
    withdrawn_at: datetime


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
    languages: list[str] = Field(description="the languages the participant speaks")
    shares_language: bool | None = Field(
        None,
        description="the worker speaks one of the participant's languages (null: no worker,"
        " or the participant named none); false: no worker with room shared one",
    )
    waiting_position: int | None
    ready_for_matching: bool
    opening_kinds: list[OpeningKind]
    closed_because: str | None
    exit_outcome: ExitOutcome | None
    exited_on: date | None
    follow_up_due_on: date | None
    follow_up_outcome: FollowUpOutcome | None
    followed_up_on: date | None
    follow_up_status: Literal["not_due", "pending", "recorded", "not_collected"] = Field(
        description="not_collected: the participant withdrew consent to follow-up contact"
        " (not to be contacted; reported as unknown)"
    )
    consent_withdrawals: list[ConsentWithdrawalOut] = Field(
        description="the consent purposes withdrawn and when; each ends only what rests on it"
    )
    goals: list[GoalOut]
    activities: list[ActivityOut]
    placements: list[PlacementOut]
    meetings: list[MeetingOut] = Field(description="the case's meetings, in time order")


_PID = "0190a2b4-7c1e-7d3a-9f00-3c5e2a1b4d6f"
_PLAN = "0190a2b4-7c1e-7d3a-9f00-3c5e2a1b4d70"
_RECEIPT = "1780000000.b3JnYW5pc2F0aW9uLXJlY2VpcHQ"


class WaitingOut(BaseModel):
    """One participant on the waiting list."""

    position: int = Field(description="1-based place in the whole waiting list")
    participant_id: UUID
    case_plan_id: UUID
    municipality: str
    priority: StrictBool
    case_receipt: str | None = Field(
        None, description="for a support worker whose organisation holds the case: show it to"
        " intake (`POST /v1/participants/names`) to read the participant's name",
    )  # fmt: skip
    waiting_receipt: str | None = Field(
        None, description="for a support worker whose organisation serves the municipality"
        " under a live service agreement: show it to intake to read the waiting person's name",
    )  # fmt: skip


class WaitingPage(BaseModel):
    """One page of the waiting list in the order it is served; pass `next_after` as `after`
    for the next page, `prev_before` as `before` for the one before (null: none)."""

    model_config = ConfigDict(
        json_schema_extra=example(
            {"items": [{"position": 51, "participant_id": _PID, "case_plan_id": _PLAN,
                        "municipality": "Tartu linn", "priority": False,
                        "case_receipt": None, "waiting_receipt": _RECEIPT}],
             "next_after": "1.1234", "prev_before": "1.1180"}
        )
    )  # fmt: skip
    items: list[WaitingOut]
    next_after: str | None
    prev_before: str | None = None


class FollowUpDueOut(BaseModel):
    """A follow-up that is due."""

    participant_id: UUID
    case_plan_id: UUID
    exit_outcome: ExitOutcome | None
    exited_on: date | None
    follow_up_due_on: date | None
    case_receipt: str | None = Field(
        None, description="for a support worker: show it to intake to read the participant's"
        " name (`shared/case_receipts.py`)",
    )  # fmt: skip


class FollowUpDuePage(BaseModel):
    """One page of the follow-ups due, by day due then case plan; `next_after` and
    `prev_before` as on the waiting list."""

    model_config = ConfigDict(
        json_schema_extra=example(
            {"items": [{"participant_id": _PID, "case_plan_id": _PLAN,
                        "exit_outcome": "employed", "exited_on": "2026-01-15",
                        "follow_up_due_on": "2026-07-15", "case_receipt": _RECEIPT}],
             "next_after": f"739812.{_PLAN}", "prev_before": None}
        )
    )  # fmt: skip
    items: list[FollowUpDueOut]
    next_after: str | None
    prev_before: str | None = None


class EventsOut(BaseModel):
    """What a command emitted, by event type."""

    participant_id: UUID
    events: list[str]


Body = _Body
"""The base of every request body (unknown fields and control characters refused)."""
