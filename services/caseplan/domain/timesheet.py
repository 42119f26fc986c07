"""Hours in bulk and activities recorded once they are done: many days in one write.

A timesheet (a week of hours for many people) is checked row by row with the same rules as
one logging (`activities.log_hours`, `placements.log_placement_hours`), rows of one activity
or placement and day adding up within the sheet; any refused row refuses the whole sheet, each refused row with its own reason, so a
sheet is applied whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from services.caseplan.domain.activities import FINISHED, HOURS_LOGGED_FOR, Activity, log_hours
from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.hours import valid_hours
from services.caseplan.domain.placements import Placement, log_placement_hours
from services.caseplan.domain.plausible import require_day_worked
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import ActivityHoursLogged
from shared.events.envelope import Payload
from shared.events.vocabulary import ActivityStatus

MAX_ROWS = 2000
"""Rows in one timesheet: a week of every day for some 280 people."""


@dataclass(frozen=True)
class HoursRow:
    """One row of a timesheet: hours worked on one day of one activity."""

    case_plan_id: UUID
    activity_id: UUID
    worked_on: date
    hours: Decimal | float | str


@dataclass(frozen=True)
class RowRefused:
    """A timesheet row the rules refused: its place in the sheet and the reason."""

    index: int
    reason: str
    message: str
    status: int
    field: str | None = None

    def detail(self) -> dict[str, object]:
        """The row's refusal as the API shows it."""
        out: dict[str, object] = {"index": self.index, "reason": self.reason}
        out |= {"message": self.message, "status": self.status}
        return out if self.field is None else {**out, "field": self.field}


@dataclass(frozen=True)
class PlacementHoursRow:
    """One row of a workshop's or employer's timesheet: hours on one day of a placement."""

    placement_id: UUID
    worked_on: date
    hours: Decimal | float | str


@dataclass(frozen=True)
class Logged:
    """A row that will be stored: the exact hours and the total after it of what it is
    logged on (`of`: the activity or the placement)."""

    index: int
    of: UUID
    worked_on: date
    hours: Decimal
    hours_logged: Decimal


@dataclass(frozen=True)
class Timesheet:
    """What a timesheet does: the rows logged (in order), their events, the refused rows."""

    logged: list[Logged]
    events: list[Payload]
    refused: list[RowRefused]


class TimesheetRefused(Refusal):
    """Some rows were refused: nothing of the sheet is stored; `rows` says which and why."""

    def __init__(self, refused: Sequence[RowRefused]) -> None:
        super().__init__(
            "timesheet_refused",
            f"{len(refused)} row(s) refused; nothing was logged",
            status=422,
        )
        self.rows = list(refused)

    def detail(self) -> dict[str, Any]:
        """The refusal with one entry per refused row."""
        return {**super().detail(), "rows": [r.detail() for r in self.rows]}


def _refused(index: int, refusal: Refusal) -> RowRefused:
    return RowRefused(index, refusal.reason, refusal.message, refusal.status, refusal.field)


def log_timesheet(
    rows: Sequence[HoursRow],
    *,
    plans: Mapping[UUID, CasePlan],
    activities: Mapping[UUID, Activity],
    already: Mapping[tuple[UUID, date], Decimal],
    today: date,
) -> Timesheet:
    """Check every row against its plan, its activity and the hours already on that day."""
    current = dict(activities)
    that_day = dict(already)
    logged: list[Logged] = []
    events: list[Payload] = []
    refused: list[RowRefused] = []
    for i, row in enumerate(rows):
        plan = plans.get(row.case_plan_id)
        activity = current.get(row.activity_id)
        try:
            if plan is None:
                raise Refusal("case_plan_not_found", "no such case plan", status=404)
            if activity is None or activity.case_plan_id != row.case_plan_id:
                raise Refusal(
                    "activity_not_found", "no such activity in this case plan", status=404
                )
            day = (row.activity_id, row.worked_on)
            activity, exact, more = log_hours(
                plan,
                activity,
                hours=row.hours,
                worked_on=row.worked_on,
                already_that_day=that_day.get(day, Decimal(0)),
                today=today,
            )
        except Refusal as refusal:
            refused.append(_refused(i, refusal))
            continue
        current[row.activity_id] = activity
        that_day[day] = that_day.get(day, Decimal(0)) + exact
        logged.append(Logged(i, row.activity_id, row.worked_on, exact, activity.hours_logged))
        events += more
    return Timesheet(logged, events, refused)


def log_placement_timesheet(
    rows: Sequence[PlacementHoursRow],
    *,
    placements: Mapping[UUID, Placement],
    organisation_id: UUID,
    already: Mapping[tuple[UUID, date], Decimal],
    today: date,
) -> Timesheet:
    """Check every row as one logging on its placement (`placements.log_placement_hours`),
    rows of one placement and day adding up within the sheet."""
    current = dict(placements)
    that_day = dict(already)
    logged: list[Logged] = []
    events: list[Payload] = []
    refused: list[RowRefused] = []
    for i, row in enumerate(rows):
        placement = current.get(row.placement_id)
        day = (row.placement_id, row.worked_on)
        try:
            if placement is None:
                raise Refusal("placement_not_found", "no such placement", status=404)
            placement, exact, more = log_placement_hours(
                placement,
                organisation_id=organisation_id,
                hours=row.hours,
                worked_on=row.worked_on,
                already_that_day=that_day.get(day, Decimal(0)),
                today=today,
            )
        except Refusal as refusal:
            refused.append(_refused(i, refusal))
            continue
        current[row.placement_id] = placement
        that_day[day] = that_day.get(day, Decimal(0)) + exact
        logged.append(Logged(i, row.placement_id, row.worked_on, exact, placement.hours_logged))
        events += more
    return Timesheet(logged, events, refused)


def _row_field(i: int, refusal: Refusal) -> Refusal:
    refusal.field = f"hours.{i}.{refusal.field or 'hours'}"
    return refusal


def _finished_hours(
    plan: CasePlan,
    activity: Activity,
    days: Sequence[tuple[date, Decimal | float | str]],
    today: date,
) -> tuple[list[tuple[date, Decimal]], list[Payload]]:
    """The hours of a new activity, checked day by day within its own dates and today."""
    if days and activity.activity_type not in HOURS_LOGGED_FOR:
        raise Refusal(
            "hours_not_logged_for_type",
            f"hours are logged only for work practice and training, not {activity.activity_type}",
            status=422,
            field="hours",
        )
    since = max(plan.opened_on, activity.starts_on or plan.opened_on)
    until = min(today, activity.ends_on or today)
    per_day: dict[date, Decimal] = {}
    exact_days: list[tuple[date, Decimal]] = []
    events: list[Payload] = []
    for i, (worked_on, hours) in enumerate(days):
        try:
            exact = valid_hours(hours, per_day.get(worked_on, Decimal(0)))
            require_day_worked(worked_on, since=since, today=until, began="the activity began")
        except Refusal as refusal:
            raise _row_field(i, refusal) from None
        per_day[worked_on] = per_day.get(worked_on, Decimal(0)) + exact
        exact_days.append((worked_on, exact))
        events.append(
            ActivityHoursLogged(
                participant_id=plan.participant_id,
                case_plan_id=plan.case_plan_id,
                activity_id=activity.activity_id,
                activity_type=activity.activity_type,
                hours=float(exact),
                worked_on=worked_on,
            )
        )
    return exact_days, events


def record_activity(
    plan: CasePlan,
    activity: Activity,
    days: Sequence[tuple[date, Decimal | float | str]],
    today: date,
) -> tuple[Activity, list[tuple[date, Decimal]], list[Payload]]:
    """A new activity, possibly already completed, with the hours worked on it in one write.

    A completed activity has happened: neither its start nor its end lies after today. Its
    hours fall between its start (or the case's opening) and its end (or today). A dropped
    one is never new (drop it once it exists).
    """
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
    if activity.status == ActivityStatus.DROPPED:
        raise Refusal("already_finished", "a new activity cannot start dropped", status=422)
    if activity.status in FINISHED:
        for field in ("starts_on", "ends_on"):
            day = getattr(activity, field)
            if day is not None and day > today:
                raise Refusal(
                    "completed_in_future",
                    "a completed activity has happened: its dates are not after today",
                    status=422,
                    field=field,
                )
    exact_days, hour_events = _finished_hours(plan, activity, days, today)
    fresh = replace(activity, hours_logged=sum((h for _, h in exact_days), Decimal(0)))
    return fresh, exact_days, [fresh.recorded(plan), *hour_events]
