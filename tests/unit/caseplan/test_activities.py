"""Activity rules: status changes, hours per day, closed cases."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.caseplan.domain.activities import Activity, change_status, log_hours
from services.caseplan.domain.case_plan import CasePlan, exit_case, open_case_plan
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.timesheet import record_activity
from shared.events.caseplan import ActivityHoursLogged, ActivityRecorded
from shared.events.vocabulary import ActivityStatus, ActivityType, ExitOutcome

DAY = date(2026, 5, 4)


def a_plan() -> CasePlan:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(),
        participant_id=uuid4(),
        municipality="Rapla vald",
        opened_on=date(2026, 1, 1),
    )
    return plan


def work_practice(plan: CasePlan, kind: ActivityType = ActivityType.WORK_PRACTICE) -> Activity:
    activity, _, events = record_activity(plan, Activity(uuid4(), plan.case_plan_id, kind), (), DAY)
    assert isinstance(events[0], ActivityRecorded) and events[0].status == "planned"
    return activity


def test_hours_add_up_exactly_in_hundredths() -> None:
    plan = a_plan()
    activity = work_practice(plan)
    for hours in ("0.1", "0.2", "7.35"):
        activity, _exact, events = log_hours(
            plan, activity, hours=hours, worked_on=DAY, already_that_day=Decimal(0), today=DAY
        )
        assert isinstance(events[0], ActivityHoursLogged)
    assert activity.hours_logged == Decimal("7.65")


@pytest.mark.parametrize(
    ("hours", "already", "reason"),
    [
        ("0", "0", "hours_not_positive"),
        ("-1", "0", "hours_not_positive"),
        ("25", "0", "hours_over_day"),
        ("8", "16.5", "hours_over_day"),
        ("1.001", "0", "hours_too_precise"),
        ("many", "0", "hours_invalid"),
    ],
)
def test_hours_refused(hours: str, already: str, reason: str) -> None:
    plan = a_plan()
    with pytest.raises(Refusal) as refused:
        log_hours(
            plan,
            work_practice(plan),
            hours=hours,
            worked_on=DAY,
            already_that_day=Decimal(already),
            today=DAY,
        )
    assert refused.value.reason == reason and refused.value.status == 422


def test_exactly_twenty_four_in_a_day_is_allowed() -> None:
    plan = a_plan()
    _activity, exact, _ = log_hours(
        plan, work_practice(plan), hours=8, worked_on=DAY, already_that_day=Decimal(16), today=DAY
    )
    assert exact == Decimal(8)


@pytest.mark.parametrize("final", [ActivityStatus.COMPLETED, ActivityStatus.DROPPED])
def test_finished_activity_logs_no_more_hours_and_stays_finished(final: ActivityStatus) -> None:
    plan = a_plan()
    activity, _ = change_status(plan, work_practice(plan), ActivityStatus.IN_PROGRESS)
    activity, events = change_status(plan, activity, final)
    assert events[0].status == final  # type: ignore[attr-defined]
    with pytest.raises(Refusal) as refused:
        log_hours(plan, activity, hours=1, worked_on=DAY, already_that_day=Decimal(0), today=DAY)
    assert refused.value.reason == "activity_finished"
    with pytest.raises(Refusal):
        change_status(plan, activity, ActivityStatus.IN_PROGRESS)


def test_in_progress_cannot_go_back_to_planned() -> None:
    plan = a_plan()
    activity, _ = change_status(plan, work_practice(plan), ActivityStatus.IN_PROGRESS)
    with pytest.raises(Refusal) as refused:
        change_status(plan, activity, ActivityStatus.PLANNED)
    assert refused.value.reason == "status_change_invalid"


def test_meetings_log_no_hours() -> None:
    plan = a_plan()
    meeting = work_practice(plan, ActivityType.SUPPORT_MEETING)
    with pytest.raises(Refusal) as refused:
        log_hours(plan, meeting, hours=1, worked_on=DAY, already_that_day=Decimal(0), today=DAY)
    assert refused.value.reason == "hours_not_logged_for_type"


def test_closed_case_takes_no_new_activities() -> None:
    closed, _ = exit_case(a_plan(), ExitOutcome.EMPLOYED, DAY, DAY)
    with pytest.raises(Refusal) as refused:
        record_activity(
            closed, Activity(uuid4(), closed.case_plan_id, ActivityType.JOB_SEARCH), (), DAY
        )
    assert refused.value.reason == "case_closed" and refused.value.status == 409
