"""Timesheets (hours in bulk) and activities recorded once completed, with their hours."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import CasePlan, open_case_plan
from services.caseplan.domain.placements import Placement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.timesheet import (
    HoursRow,
    PlacementHoursRow,
    TimesheetRefused,
    log_placement_timesheet,
    log_timesheet,
    record_activity,
)
from shared.events.caseplan import ActivityHoursLogged, ActivityRecorded, PlacementHoursLogged
from shared.events.vocabulary import ActivityStatus, ActivityType

TODAY = date(2026, 5, 8)
MONDAY = date(2026, 5, 4)


def a_plan() -> CasePlan:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(),
        participant_id=uuid4(),
        municipality="Tartu",
        opened_on=date(2026, 1, 1),
    )
    return plan


def activity_of(plan: CasePlan, kind: ActivityType = ActivityType.WORK_PRACTICE) -> Activity:
    return Activity(uuid4(), plan.case_plan_id, kind, ActivityStatus.IN_PROGRESS)


def test_a_week_for_many_people_is_logged_with_one_event_per_row() -> None:
    plans = [a_plan() for _ in range(3)]
    acts = [activity_of(p) for p in plans]
    rows = [
        HoursRow(p.case_plan_id, a.activity_id, MONDAY + timedelta(days=d), "4")
        for p, a in zip(plans, acts, strict=True)
        for d in range(5)
    ]
    sheet = log_timesheet(
        rows,
        plans={p.case_plan_id: p for p in plans},
        activities={a.activity_id: a for a in acts},
        already={},
        today=TODAY,
    )
    assert not sheet.refused
    assert [r.index for r in sheet.logged] == list(range(15))
    assert all(isinstance(e, ActivityHoursLogged) for e in sheet.events) and len(sheet.events) == 15
    last_of_each = {r.of: r.hours_logged for r in sheet.logged}
    assert set(last_of_each.values()) == {Decimal(20)}


def test_rows_of_one_day_add_up_within_the_sheet_and_with_what_was_logged() -> None:
    plan = a_plan()
    act = activity_of(plan)
    rows = [HoursRow(plan.case_plan_id, act.activity_id, MONDAY, h) for h in ("10", "10", "1")]
    sheet = log_timesheet(
        rows,
        plans={plan.case_plan_id: plan},
        activities={act.activity_id: act},
        already={(act.activity_id, MONDAY): Decimal("4.5")},
        today=TODAY,
    )
    assert [r.index for r in sheet.refused] == [1]
    assert sheet.refused[0].reason == "hours_over_day" and sheet.refused[0].field == "hours"
    assert [r.index for r in sheet.logged] == [0, 2]


def test_every_bad_row_is_named_with_its_own_reason() -> None:
    plan, other = a_plan(), a_plan()
    act, meeting = activity_of(plan), activity_of(plan, ActivityType.SUPPORT_MEETING)
    done = Activity(
        uuid4(), plan.case_plan_id, ActivityType.WORK_PRACTICE, ActivityStatus.COMPLETED
    )
    foreign = activity_of(other)
    rows = [
        HoursRow(plan.case_plan_id, act.activity_id, MONDAY, "2"),
        HoursRow(uuid4(), act.activity_id, MONDAY, "2"),
        HoursRow(plan.case_plan_id, uuid4(), MONDAY, "2"),
        HoursRow(plan.case_plan_id, foreign.activity_id, MONDAY, "2"),
        HoursRow(plan.case_plan_id, meeting.activity_id, MONDAY, "2"),
        HoursRow(plan.case_plan_id, done.activity_id, MONDAY, "2"),
        HoursRow(plan.case_plan_id, act.activity_id, TODAY + timedelta(days=1), "2"),
        HoursRow(plan.case_plan_id, act.activity_id, MONDAY, "0.001"),
    ]
    sheet = log_timesheet(
        rows,
        plans={plan.case_plan_id: plan, other.case_plan_id: other},
        activities={a.activity_id: a for a in (act, meeting, done, foreign)},
        already={},
        today=TODAY,
    )
    assert [(r.index, r.reason, r.status) for r in sheet.refused] == [
        (1, "case_plan_not_found", 404),
        (2, "activity_not_found", 404),
        (3, "activity_not_found", 404),
        (4, "hours_not_logged_for_type", 422),
        (5, "activity_finished", 409),
        (6, "worked_in_future", 422),
        (7, "hours_too_precise", 422),
    ]
    refusal = TimesheetRefused(sheet.refused)
    detail = refusal.detail()
    assert detail["reason"] == "timesheet_refused" and refusal.status == 422
    assert [r["index"] for r in detail["rows"]] == [1, 2, 3, 4, 5, 6, 7]
    assert detail["rows"][5]["field"] == "worked_on"


def test_a_completed_activity_is_recorded_with_its_hours_in_one_write() -> None:
    plan = a_plan()
    new = Activity(
        uuid4(),
        plan.case_plan_id,
        ActivityType.VOCATIONAL_TRAINING,
        ActivityStatus.COMPLETED,
        starts_on=MONDAY,
        ends_on=MONDAY + timedelta(days=2),
    )
    days = [(MONDAY, Decimal(6)), (MONDAY, Decimal("1.5")), (MONDAY + timedelta(days=2), "7")]
    added, exact, events = record_activity(plan, new, days, TODAY)
    assert added.status == ActivityStatus.COMPLETED and added.hours_logged == Decimal("14.5")
    assert exact == [(MONDAY, 6), (MONDAY, Decimal("1.5")), (MONDAY + timedelta(days=2), 7)]
    assert isinstance(events[0], ActivityRecorded) and events[0].status == "completed"
    assert [e.hours for e in events[1:] if isinstance(e, ActivityHoursLogged)] == [6, 1.5, 7]


@pytest.mark.parametrize(
    ("status", "ends_on", "days", "reason", "field"),
    [
        (ActivityStatus.DROPPED, None, [], "already_finished", None),
        (ActivityStatus.COMPLETED, TODAY + timedelta(days=1), [], "completed_in_future", "ends_on"),
        (ActivityStatus.COMPLETED, MONDAY, [(MONDAY + timedelta(days=1), "2")],
         "worked_in_future", "hours.0.worked_on"),  # after the activity's end
        (ActivityStatus.COMPLETED, None, [(MONDAY - timedelta(days=1), "2")],
         "worked_before_start", "hours.0.worked_on"),
        (ActivityStatus.IN_PROGRESS, None, [(MONDAY, "20"), (MONDAY, "5")],
         "hours_over_day", "hours.1.hours"),
    ],
)  # fmt: skip
def test_a_new_activity_with_implausible_dates_or_hours_is_refused(
    status: ActivityStatus, ends_on: date | None, days: list, reason: str, field: str | None
) -> None:
    plan = a_plan()
    new = Activity(
        uuid4(), plan.case_plan_id, ActivityType.WORK_PRACTICE, status, starts_on=MONDAY,
        ends_on=ends_on,
    )  # fmt: skip
    with pytest.raises(Refusal) as refused:
        record_activity(plan, new, days, TODAY)
    assert (refused.value.reason, refused.value.field) == (reason, field)


def test_a_meeting_takes_no_hours_even_when_new() -> None:
    plan = a_plan()
    meeting = Activity(uuid4(), plan.case_plan_id, ActivityType.SUPPORT_MEETING)
    with pytest.raises(Refusal) as refused:
        record_activity(plan, meeting, [(MONDAY, "1")], TODAY)
    assert refused.value.reason == "hours_not_logged_for_type"


def test_a_workshops_sheet_checks_each_row_as_one_logging_on_its_placement() -> None:
    plan = a_plan()
    workshop = uuid4()
    started = Placement(uuid4(), plan.case_plan_id, plan.participant_id, workshop, starts_on=MONDAY)
    elsewhere = Placement(uuid4(), plan.case_plan_id, plan.participant_id, uuid4(), MONDAY)
    rows = [
        PlacementHoursRow(started.placement_id, MONDAY, "6"),
        PlacementHoursRow(started.placement_id, MONDAY, "6"),
        PlacementHoursRow(started.placement_id, MONDAY - timedelta(days=1), "2"),
        PlacementHoursRow(elsewhere.placement_id, MONDAY, "2"),
        PlacementHoursRow(uuid4(), MONDAY, "2"),
        PlacementHoursRow(started.placement_id, MONDAY, "12.5"),
    ]
    sheet = log_placement_timesheet(
        rows,
        placements={p.placement_id: p for p in (started, elsewhere)},
        organisation_id=workshop,
        already={},
        today=TODAY,
    )
    assert [(r.index, r.reason) for r in sheet.refused] == [
        (2, "worked_before_start"),
        (3, "wrong_organisation"),
        (4, "placement_not_found"),
        (5, "hours_over_day"),  # 6 + 6 + 12.5 on one day
    ]
    assert [(r.index, r.hours_logged) for r in sheet.logged] == [(0, 6), (1, 12)]
    assert all(isinstance(e, PlacementHoursLogged) for e in sheet.events)
