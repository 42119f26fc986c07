"""Consent by purpose: a withdrawal ends only what rests on the purposes withdrawn."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from services.caseplan.domain import consent
from services.caseplan.domain.case_plan import (
    CasePlan,
    ClosedBecause,
    exit_case,
    follow_up_due,
    mark_ready,
    open_case_plan,
    record_follow_up,
)
from services.caseplan.domain.refusal import Refusal
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome, OpeningKind

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LATER = date(2027, 12, 31)


def ready_plan() -> CasePlan:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(), participant_id=uuid4(), municipality="Rapla vald",
        opened_on=date(2026, 1, 15),
    )  # fmt: skip
    ready, _ = mark_ready(plan, [OpeningKind.WORK_PRACTICE])
    return ready


def exited_plan() -> CasePlan:
    closed, _ = exit_case(ready_plan(), ExitOutcome.EMPLOYED, date(2026, 2, 1), LATER)
    return closed


@pytest.mark.parametrize(
    ("purposes", "matching", "case", "follow_up"),
    [
        (["matching"], True, False, False),
        (["case_management"], True, True, False),  # matching rests on the case
        (["follow_up"], False, False, True),
        (["employer_contact"], False, False, False),
        (["reporting"], False, False, False),
        (["matching", "follow_up"], True, False, True),
        ([], True, True, True),  # the first version's "all"
    ],
)
def test_each_purpose_stops_only_what_rests_on_it(
    purposes: list[str], matching: bool, case: bool, follow_up: bool
) -> None:
    assert consent.effects_of(purposes) == consent.WithdrawalEffects(matching, case, follow_up)


def test_matching_withdrawn_keeps_the_case_and_refuses_readiness() -> None:
    plan = consent.withdraw(ready_plan(), ["matching"], AT)
    assert plan.is_open and not plan.ready_for_matching
    assert plan.consent_withdrawals == (("matching", AT),)
    with pytest.raises(Refusal) as refused:
        mark_ready(plan, [OpeningKind.WORK_PRACTICE])
    assert refused.value.reason == "matching_consent_withdrawn"


def test_case_management_withdrawn_closes_the_case_with_its_reason() -> None:
    plan = consent.withdraw(ready_plan(), ["case_management"], AT)
    assert not plan.is_open and plan.closed_because is ClosedBecause.CONSENT_WITHDRAWN
    assert not plan.ready_for_matching


def test_follow_up_withdrawn_keeps_the_case_and_stops_the_follow_up() -> None:
    open_plan = consent.withdraw(ready_plan(), ["follow_up"], AT)
    assert open_plan.is_open and open_plan.ready_for_matching
    assert consent.follow_up_status(open_plan) == "not_collected"
    left = consent.withdraw(exited_plan(), ["follow_up"], AT)
    assert left.closed_because is ClosedBecause.EXITED  # the exit stands
    assert not follow_up_due(left, LATER)
    with pytest.raises(Refusal) as refused:
        record_follow_up(left, FollowUpOutcome.EMPLOYED, date(2026, 8, 1), LATER)
    assert refused.value.reason == "follow_up_consent_withdrawn"
    assert consent.follow_up_status(left) == "not_collected"


def test_a_recorded_follow_up_stands_after_a_withdrawal() -> None:
    done, _ = record_follow_up(exited_plan(), FollowUpOutcome.EMPLOYED, date(2026, 8, 1), LATER)
    assert consent.follow_up_status(consent.withdraw(done, ["follow_up"], AT)) == "recorded"


def test_follow_up_status_before_and_after_the_exit() -> None:
    assert consent.follow_up_status(ready_plan()) == "not_due"
    assert consent.follow_up_status(exited_plan()) == "pending"


def test_withdrawals_accumulate_and_keep_the_first_time() -> None:
    later = AT + timedelta(days=3)
    plan = consent.withdraw(ready_plan(), ["follow_up"], AT)
    plan = consent.withdraw(plan, ["matching", "follow_up"], later)
    assert plan.consent_withdrawals == (("matching", later), ("follow_up", AT))
    assert plan.is_open


def test_a_closed_case_keeps_its_first_reason() -> None:
    plan = consent.withdraw(exited_plan(), ["case_management"], AT)
    assert plan.closed_because is ClosedBecause.EXITED
    assert plan.withdrew("case_management")


def test_an_empty_withdrawal_names_every_purpose() -> None:
    plan = consent.withdraw(ready_plan(), [], AT)
    assert [p for p, _ in plan.consent_withdrawals] == list(consent.ALL_PURPOSES)
    assert not plan.is_open
