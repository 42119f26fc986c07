"""The pure rules of a history import: who may date back, and between which days."""

from datetime import date, timedelta
from uuid import uuid4

import pytest

from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import CasePlan, exit_case, record_follow_up
from services.caseplan.domain.plausible import require_importable
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.timesheet import record_activity
from services.intake.errors import IntakeError
from services.intake.schemas import INTAKE_EXAMPLE, RegistrationIn
from services.intake.service import registration_day
from shared.auth import Principal
from shared.events.vocabulary import ActivityType, ExitOutcome, FollowUpOutcome
from shared.history import (
    HISTORY_FLOOR,
    HISTORY_SCOPE,
    first_refusal,
    may_import,
    past_day_refusal,
)

TODAY = date(2026, 12, 4)


def principal(*scopes: str) -> Principal:
    return Principal(uuid4(), uuid4(), "municipality", "Tartu", scopes=frozenset(scopes))


def test_the_floor_is_documented_as_the_first_day_of_2000() -> None:
    assert HISTORY_FLOOR == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (TODAY + timedelta(days=1), "exit_in_future"),
        (HISTORY_FLOOR - timedelta(days=1), "exit_before_floor"),
        (date(1970, 1, 1), "exit_before_floor"),
    ],
)
def test_a_day_after_today_or_before_the_floor_is_refused(day: date, reason: str) -> None:
    refusal = past_day_refusal(day, today=TODAY, what="exit")
    assert refusal is not None and refusal.reason == reason


@pytest.mark.parametrize("day", [HISTORY_FLOOR, date(2007, 4, 1), TODAY])
def test_the_floor_and_today_themselves_are_accepted(day: date) -> None:
    assert past_day_refusal(day, today=TODAY, what="exit") is None


def test_first_refusal_skips_days_not_given_and_names_the_first_bad_one() -> None:
    days = {"starts": None, "ends": date(1999, 12, 31), "worked": TODAY + timedelta(days=2)}
    refusal = first_refusal(days, today=TODAY)
    assert refusal is not None and refusal.reason == "ends_before_floor"
    assert first_refusal({"starts": None}, today=TODAY) is None


def test_only_a_key_with_the_history_scope_may_import() -> None:
    assert may_import(principal(HISTORY_SCOPE))
    assert not may_import(principal())
    assert not may_import(None)


def test_caseplan_names_the_field_of_the_refused_day() -> None:
    with pytest.raises(Refusal) as caught:
        require_importable(
            {"starts": ("starts_on", date(2007, 5, 1)), "ends": ("ends_on", date(2030, 1, 1))},
            today=TODAY,
        )
    assert (caught.value.reason, caught.value.field, caught.value.status) == (
        "ends_in_future",
        "ends_on",
        422,
    )


def test_a_registration_is_dated_today_unless_an_import_dates_it_back() -> None:
    ordinary = RegistrationIn.model_validate(INTAKE_EXAMPLE)
    assert registration_day(ordinary, principal(), TODAY) == TODAY
    past = RegistrationIn.model_validate({**INTAKE_EXAMPLE, "registered_on": "2007-04-02"})
    assert registration_day(past, principal(HISTORY_SCOPE), TODAY) == date(2007, 4, 2)


@pytest.mark.parametrize(
    ("day", "scopes", "status", "reason"),
    [
        ("2007-04-02", (), 403, "history_import_not_allowed"),
        ("2030-01-01", (HISTORY_SCOPE,), 422, "registered_in_future"),
        ("1999-12-31", (HISTORY_SCOPE,), 422, "registered_before_floor"),
    ],
)
def test_a_dated_registration_is_refused_without_the_scope_or_outside_the_days(
    day: str, scopes: tuple[str, ...], status: int, reason: str
) -> None:
    intake = RegistrationIn.model_validate({**INTAKE_EXAMPLE, "registered_on": day})
    with pytest.raises(IntakeError) as caught:
        registration_day(intake, principal(*scopes), TODAY)
    assert (caught.value.status_code, caught.value.reason) == (status, reason)


def a_plan(opened: date) -> CasePlan:
    return CasePlan(uuid4(), uuid4(), "Tartu", opened, date(2008, 4, 2))


def test_the_consistency_rules_hold_for_past_dates() -> None:
    plan = a_plan(date(2007, 4, 2))
    early = Activity(
        uuid4(), plan.case_plan_id, ActivityType.JOB_SEARCH, starts_on=date(2007, 3, 1)
    )
    with pytest.raises(Refusal) as caught:
        record_activity(plan, early, [], TODAY)
    assert caught.value.reason == "starts_before_opening"
    with pytest.raises(Refusal) as exit_refused:
        exit_case(plan, ExitOutcome.EMPLOYED, date(2007, 4, 1), TODAY)
    assert exit_refused.value.reason == "exit_before_opening"
    closed, [exited] = exit_case(plan, ExitOutcome.EMPLOYED, date(2007, 11, 30), TODAY)
    assert exited.follow_up_due_on == date(2008, 5, 30)  # type: ignore[attr-defined]
    with pytest.raises(Refusal) as too_early:
        record_follow_up(closed, FollowUpOutcome.EMPLOYED, date(2008, 5, 29), TODAY)
    assert too_early.value.reason == "follow_up_too_early"
    _, [followed] = record_follow_up(closed, FollowUpOutcome.EMPLOYED, date(2008, 5, 30), TODAY)
    assert followed.followed_up_on == date(2008, 5, 30)  # type: ignore[attr-defined]
