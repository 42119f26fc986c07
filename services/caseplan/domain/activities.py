"""Activities in a case plan: adding, status changes and logged hours."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from uuid import UUID

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.hours import valid_hours
from services.caseplan.domain.plausible import require_day_worked
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import ActivityHoursLogged, ActivityRecorded
from shared.events.envelope import Payload
from shared.events.vocabulary import ActivityStatus, ActivityType, ProviderKind

HOURS_LOGGED_FOR = frozenset(
    {
        ActivityType.WORK_PRACTICE,
        ActivityType.ADAPTATION_TRAINING,
        ActivityType.VOCATIONAL_TRAINING,
        ActivityType.TELEWORK_TRAINING,
    }
)
"""Work practice and training log hours; meetings and job search do not."""

FINISHED = frozenset({ActivityStatus.COMPLETED, ActivityStatus.DROPPED})
NEXT_STATUSES: dict[ActivityStatus, frozenset[ActivityStatus]] = {
    ActivityStatus.PLANNED: frozenset(
        {ActivityStatus.IN_PROGRESS, ActivityStatus.COMPLETED, ActivityStatus.DROPPED}
    ),
    ActivityStatus.IN_PROGRESS: frozenset({ActivityStatus.COMPLETED, ActivityStatus.DROPPED}),
    ActivityStatus.COMPLETED: frozenset(),
    ActivityStatus.DROPPED: frozenset(),
}


@dataclass(frozen=True)
class Activity:
    """Something the participant does as part of the plan."""

    activity_id: UUID
    case_plan_id: UUID
    activity_type: ActivityType
    status: ActivityStatus = ActivityStatus.PLANNED
    provider_kind: ProviderKind | None = None
    organisation_id: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    hours_logged: Decimal = Decimal(0)
    note: str | None = None

    def recorded(self, plan: CasePlan) -> ActivityRecorded:
        """The event telling others what the activity now is."""
        return ActivityRecorded(
            participant_id=plan.participant_id,
            case_plan_id=plan.case_plan_id,
            activity_id=self.activity_id,
            activity_type=self.activity_type,
            status=self.status,
            provider_kind=self.provider_kind,
            organisation_id=self.organisation_id,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
        )


def add_activity(plan: CasePlan, activity: Activity) -> tuple[Activity, list[Payload]]:
    """A new activity in an open case plan."""
    plan.require_open()
    if activity.case_plan_id != plan.case_plan_id:
        raise ValueError("activity belongs to another case plan")
    if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
        raise Refusal("ends_before_start", "the activity ends before it starts", status=422)
    if activity.starts_on and activity.starts_on < plan.opened_on:
        raise Refusal(
            "starts_before_opening", f"the activity starts before the case opened ({plan.opened_on})",
            status=422, field="starts_on",
        )  # fmt: skip
    if activity.status in FINISHED:
        raise Refusal("already_finished", "a new activity cannot start finished", status=422)
    fresh = replace(activity, hours_logged=Decimal(0))
    return fresh, [fresh.recorded(plan)]


def change_status(
    plan: CasePlan, activity: Activity, status: ActivityStatus
) -> tuple[Activity, list[Payload]]:
    """Move an activity on: planned → in progress → completed or dropped."""
    if status == activity.status:
        return activity, []
    if activity.status in FINISHED:
        raise Refusal("activity_finished", f"the activity is already {activity.status}")
    plan.require_open()
    if status not in NEXT_STATUSES[activity.status]:
        raise Refusal("status_change_invalid", f"{activity.status} cannot become {status}")
    changed = replace(activity, status=status)
    return changed, [changed.recorded(plan)]


def log_hours(
    plan: CasePlan,
    activity: Activity,
    *,
    hours: Decimal | float | str,
    worked_on: date,
    already_that_day: Decimal,
    today: date,
) -> tuple[Activity, Decimal, list[Payload]]:
    """Log hours worked on one day; returns the activity, the exact hours and the event."""
    if activity.status in FINISHED:
        raise Refusal("activity_finished", f"the activity is {activity.status}: no more hours")
    plan.require_open()
    if activity.activity_type not in HOURS_LOGGED_FOR:
        raise Refusal(
            "hours_not_logged_for_type",
            f"hours are logged only for work practice and training, not {activity.activity_type}",
            status=422,
        )
    exact = valid_hours(hours, already_that_day)
    require_day_worked(worked_on, since=plan.opened_on, today=today, began="the case opened")
    logged = replace(activity, hours_logged=activity.hours_logged + exact)
    event = ActivityHoursLogged(
        participant_id=plan.participant_id,
        case_plan_id=plan.case_plan_id,
        activity_id=activity.activity_id,
        activity_type=activity.activity_type,
        hours=float(exact),
        worked_on=worked_on,
    )
    return logged, exact, [event]
