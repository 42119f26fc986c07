"""Placement rules: organisation, hours, end and readiness."""

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.caseplan.domain.case_plan import CasePlan, mark_ready, open_case_plan
from services.caseplan.domain.placements import (
    Placement,
    check_attendance,
    end_placement,
    log_placement_hours,
    start_placement,
)
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import ParticipantReadyForMatching, PlacementEnded, PlacementStarted
from shared.events.vocabulary import OpeningKind, PlacementOutcome

START = date(2026, 4, 1)


def started() -> tuple[CasePlan, Placement]:
    plan, _ = open_case_plan(
        case_plan_id=uuid4(),
        participant_id=uuid4(),
        municipality="Rapla vald",
        opened_on=date(2026, 1, 1),
    )
    plan, _ = mark_ready(plan, [OpeningKind.WORKSHOP_PLACE])
    placement = Placement(uuid4(), plan.case_plan_id, plan.participant_id, uuid4(), START)
    plan, events = start_placement(plan, placement)
    assert isinstance(events[0], PlacementStarted) and not plan.ready_for_matching
    return plan, placement


def test_only_the_placements_organisation_updates_it() -> None:
    _, placement = started()
    with pytest.raises(Refusal) as refused:
        log_placement_hours(
            placement,
            organisation_id=uuid4(),
            hours=2,
            worked_on=START,
            already_that_day=Decimal(0),
            today=START,
        )
    assert refused.value.reason == "wrong_organisation" and refused.value.status == 403
    with pytest.raises(Refusal):
        check_attendance(placement, organisation_id=uuid4(), on=START)


def test_placement_hours_add_up_and_respect_the_day() -> None:
    _, placement = started()
    org = placement.organisation_id
    placement, _, _ = log_placement_hours(
        placement,
        organisation_id=org,
        hours="6.5",
        worked_on=START,
        already_that_day=Decimal(0),
        today=START,
    )
    placement, _, _ = log_placement_hours(
        placement,
        organisation_id=org,
        hours="1.25",
        worked_on=START,
        already_that_day=Decimal("6.5"),
        today=START,
    )
    assert placement.hours_logged == Decimal("7.75")
    with pytest.raises(Refusal) as refused:
        log_placement_hours(
            placement,
            organisation_id=org,
            hours=17,
            worked_on=START,
            already_that_day=Decimal("7.75"),
            today=START,
        )
    assert refused.value.reason == "hours_over_day"


@pytest.mark.parametrize(
    ("outcome", "ready_again", "ready"),
    [
        (PlacementOutcome.COMPLETED, True, True),
        (PlacementOutcome.DROPPED_OUT, True, True),
        (PlacementOutcome.ENDED_BY_ORGANISATION, False, False),
        (PlacementOutcome.HIRED, True, False),
    ],
)
def test_ending_without_a_hire_makes_ready_again(
    outcome: PlacementOutcome, ready_again: bool, ready: bool
) -> None:
    plan, placement = started()
    plan, ended, events = end_placement(
        plan,
        placement,
        organisation_id=placement.organisation_id,
        outcome=outcome,
        ended_on=START,
        ready_again=ready_again,
    )
    assert isinstance(events[0], PlacementEnded) and events[0].outcome == outcome
    assert plan.ready_for_matching is ready
    readiness = [e for e in events if isinstance(e, ParticipantReadyForMatching)]
    assert len(readiness) == (1 if ready else 0)
    if ready:
        assert readiness[0].opening_kinds == [OpeningKind.WORKSHOP_PLACE]
    with pytest.raises(Refusal) as refused:
        log_placement_hours(
            ended,
            organisation_id=ended.organisation_id,
            hours=1,
            worked_on=START,
            already_that_day=Decimal(0),
            today=START,
        )
    assert refused.value.reason == "placement_ended"
