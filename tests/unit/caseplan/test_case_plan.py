"""Case plan rules: opening, overdue, exit, follow-up, consent."""

from datetime import date
from uuid import uuid4

import pytest

from services.caseplan.domain.case_plan import (
    CasePlan,
    exit_case,
    follow_up_due,
    mark_ready,
    open_case_plan,
    record_follow_up,
    withdraw_consent,
)
from services.caseplan.domain.dates import add_months
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import CaseplanOpened, ParticipantExited, ParticipantFollowedUp
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome, OpeningKind

LATER = date(2027, 12, 31)
"""A today after every date these tests record."""


def a_plan(opened_on: date = date(2026, 1, 15)) -> CasePlan:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(), participant_id=uuid4(), municipality="Rapla vald", opened_on=opened_on
    )
    return plan


def test_opening_plans_twelve_months_and_emits_opened() -> None:
    plan, events = open_case_plan(
        case_plan_id=uuid4(),
        participant_id=uuid4(),
        municipality="Rapla vald",
        opened_on=date(2026, 3, 10),
    )
    assert plan.planned_end_on == date(2027, 3, 10)
    assert plan.is_open
    assert isinstance(events[0], CaseplanOpened) and events[0].planned_end_on == date(2027, 3, 10)


def test_months_clamp_to_the_end_of_a_short_month() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_overdue_only_when_open_and_past_planned_end() -> None:
    plan = a_plan(date(2025, 1, 1))
    assert not plan.is_overdue(date(2026, 1, 1))
    assert plan.is_overdue(date(2026, 1, 2))
    closed, _ = exit_case(plan, ExitOutcome.INACTIVE, date(2025, 6, 1), LATER)
    assert not closed.is_overdue(date(2027, 1, 1))


def test_exit_closes_and_schedules_follow_up_six_months_later() -> None:
    closed, events = exit_case(a_plan(), ExitOutcome.EMPLOYED, date(2026, 9, 30), LATER)
    assert not closed.is_open
    assert closed.follow_up_due_on == date(2027, 3, 30)
    assert isinstance(events[0], ParticipantExited) and events[0].outcome == "employed"
    with pytest.raises(Refusal) as refused:
        exit_case(closed, ExitOutcome.EMPLOYED, date(2026, 10, 1), LATER)
    assert refused.value.reason == "case_closed"


def test_follow_up_needs_an_exit_and_is_recorded_once() -> None:
    plan = a_plan()
    with pytest.raises(Refusal) as refused:
        record_follow_up(plan, FollowUpOutcome.EMPLOYED, date(2026, 8, 1), LATER)
    assert refused.value.reason == "not_exited"
    closed, _ = exit_case(plan, ExitOutcome.JOB_SEARCHING, date(2026, 2, 1), LATER)
    assert follow_up_due(closed, date(2026, 8, 1)) and not follow_up_due(closed, date(2026, 7, 31))
    done, events = record_follow_up(closed, FollowUpOutcome.NOT_REACHED, date(2026, 8, 3), LATER)
    assert isinstance(events[0], ParticipantFollowedUp) and events[0].outcome == "not_reached"
    assert not follow_up_due(done, date(2026, 9, 1))
    with pytest.raises(Refusal) as again:
        record_follow_up(done, FollowUpOutcome.EMPLOYED, date(2026, 8, 4), LATER)
    assert again.value.reason == "already_followed_up"


def test_consent_withdrawal_closes_without_exit() -> None:
    closed = withdraw_consent(a_plan())
    assert not closed.is_open and closed.exit_outcome is None
    with pytest.raises(Refusal):
        mark_ready(closed, [OpeningKind.WORK_PRACTICE])


def test_ready_for_matching_carries_kinds_once() -> None:
    ready, events = mark_ready(
        a_plan(), [OpeningKind.WORK_PRACTICE, OpeningKind.WORK_PRACTICE, OpeningKind.REGULAR_JOB]
    )
    assert ready.ready_for_matching
    assert events[0].opening_kinds == ["work_practice", "regular_job"]  # type: ignore[attr-defined]
