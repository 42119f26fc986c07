"""The demo's calendar: the replayed year lies in the real past months that end today."""

import asyncio
from datetime import timedelta

from demo.flow import six_months_after
from demo.keys import ADMIN, Identity, _scopes
from demo.steps import DemoCalendar, today
from demo.year import HORIZON_DAYS, Action, year_schedule


def test_the_year_ends_today_and_each_action_keeps_its_own_day() -> None:
    calendar = DemoCalendar.ending_today()
    assert calendar.first_day == today() - timedelta(days=HORIZON_DAYS)
    days = {calendar.on(a) for a in year_schedule(7, 50)}
    assert max(days) <= today()
    assert len({(d.year, d.month) for d in days}) >= 12  # spread over many months
    assert calendar.on(Action(10.7, 0, 0, "register")) == calendar.first_day + timedelta(days=10)


def test_live_actions_and_an_undated_calendar_are_dated_today() -> None:
    assert DemoCalendar.ending_today().on(Action(3, 0, 0, "register", live=True)) == today()
    assert not DemoCalendar.ending_today().dated(Action(3, 0, 0, "exit", live=True))
    assert DemoCalendar().on(Action(3, 0, 0, "register")) == today()
    assert not DemoCalendar().dated()


async def test_now_follows_the_schedule_as_it_is_played() -> None:
    calendar = DemoCalendar.ending_today()
    assert calendar.first_day is not None
    calendar.start(asyncio.get_running_loop().time() - 5.0, seconds_per_day=0.5)
    assert calendar.now() == calendar.first_day + timedelta(days=10)
    calendar.start(asyncio.get_running_loop().time() - 1e6, seconds_per_day=0.5)
    assert calendar.now() == today()  # never after today


def test_the_follow_up_day_is_six_calendar_months_after_the_exit() -> None:
    from datetime import date

    assert six_months_after(date(2025, 3, 31)) == date(2025, 9, 30)
    assert six_months_after(date(2025, 8, 31)) == date(2026, 2, 28)
    assert six_months_after(date(2025, 1, 15)) == date(2025, 7, 15)


def test_an_importing_identity_gets_a_key_with_the_history_scope() -> None:
    worker = Identity("support_worker", "org")
    assert _scopes(worker) == [] and _scopes(worker.importing()) == ["history"]
    assert ADMIN.importing() != ADMIN and ADMIN.importing().role == "admin"
