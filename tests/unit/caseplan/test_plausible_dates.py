"""Records carry no day before what they belong to began and none still to come."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.caseplan.domain.case_plan import CasePlan, exit_case, record_follow_up
from services.caseplan.domain.hours import valid_hours
from services.caseplan.domain.plausible import (
    require_day_worked,
    require_exit_day,
    require_follow_up_day,
)
from services.caseplan.domain.refusal import Refusal
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome

TODAY = date(2026, 12, 3)
OPENED = date(2026, 1, 15)


def a_plan() -> CasePlan:
    return CasePlan(uuid4(), uuid4(), "Rapla vald", OPENED, date(2027, 1, 15))


def refused(call: Callable[..., object], *args: object, **kwargs: object) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call(*args, **kwargs)
    assert caught.value.status == 422
    return caught.value


@pytest.mark.parametrize(
    ("hours", "reason"),
    [("1e400", "hours_over_day"), ("-1e400", "hours_not_positive"), ("NaN", "hours_not_positive"),
     ("Infinity", "hours_not_positive"), ("1e-400", "hours_too_precise")],
)  # fmt: skip
def test_extreme_hours_are_refused_with_the_field(hours: str, reason: str) -> None:
    refusal = refused(valid_hours, hours, Decimal(0))
    assert (refusal.reason, refusal.field) == (reason, "hours")
    assert refusal.detail()["field"] == "hours"


@pytest.mark.parametrize(
    ("day", "reason"),
    [(date(1, 1, 1), "worked_before_start"), (date(2026, 1, 14), "worked_before_start"),
     (date(2030, 1, 7), "worked_in_future"), (date(2026, 12, 4), "worked_in_future")],
)  # fmt: skip
def test_hours_are_dated_between_the_start_and_today(day: date, reason: str) -> None:
    refusal = refused(require_day_worked, day, since=OPENED, today=TODAY, began="the case opened")
    assert (refusal.reason, refusal.field) == (reason, "worked_on")
    for fine in (OPENED, TODAY):
        require_day_worked(fine, since=OPENED, today=TODAY, began="the case opened")


def test_an_exit_ahead_of_today_is_refused_and_the_case_stays_open() -> None:
    plan = a_plan()
    refusal = refused(exit_case, plan, ExitOutcome.EMPLOYED, date(2027, 12, 3), TODAY)
    assert (refusal.reason, refusal.field) == ("exit_in_future", "exited_on")
    assert plan.is_open
    closed, _ = exit_case(plan, ExitOutcome.EMPLOYED, TODAY, TODAY)
    assert closed.exited_on == TODAY
    require_exit_day(OPENED, opened_on=OPENED, today=TODAY)


def test_the_six_month_follow_up_waits_until_it_is_due() -> None:
    plan = a_plan()
    closed, _ = exit_case(plan, ExitOutcome.EMPLOYED, date(2026, 3, 31), TODAY)
    assert closed.follow_up_due_on == date(2026, 9, 30)
    for day, reason in [
        (date(2026, 3, 31), "follow_up_too_early"),  # the exit day
        (date(2026, 9, 29), "follow_up_too_early"),
        (date(2026, 3, 30), "follow_up_before_exit"),
        (date(2026, 12, 4), "follow_up_in_future"),
    ]:
        refusal = refused(record_follow_up, closed, FollowUpOutcome.EMPLOYED, day, TODAY)
        assert (refusal.reason, refusal.field) == (reason, "followed_up_on")
    done, _ = record_follow_up(closed, FollowUpOutcome.EMPLOYED, date(2026, 9, 30), TODAY)
    assert done.followed_up_on == date(2026, 9, 30)
    require_follow_up_day(TODAY, exited_on=date(2026, 3, 31), due_on=date(2026, 9, 30), today=TODAY)
