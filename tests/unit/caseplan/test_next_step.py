"""The next step of a case, from its state alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from uuid import uuid4

from services.caseplan.domain.case_plan import CasePlan, CasePlanStatus
from services.caseplan.domain.next_step import NextStepKind, Planned, next_step
from shared.events.vocabulary import FollowUpOutcome

TODAY = date(2026, 5, 4)
OPEN = CasePlan(
    case_plan_id=uuid4(), participant_id=uuid4(), municipality="Rapla vald",
    opened_on=date(2026, 1, 5), planned_end_on=date(2026, 12, 31), support_worker_id=uuid4(),
)  # fmt: skip


def _step(plan: CasePlan, planned: Planned | None = None, placed: bool = False) -> NextStepKind:
    return next_step(plan, planned=planned, in_placement=placed, today=TODAY).kind


def test_an_open_case_without_a_worker_waits_for_one() -> None:
    assert _step(replace(OPEN, support_worker_id=None)) is NextStepKind.WAITING_FOR_WORKER


def test_a_placement_under_way_comes_before_planned_activities() -> None:
    planned = Planned("training", date(2026, 6, 1))
    assert _step(OPEN, planned, placed=True) is NextStepKind.IN_PLACEMENT
    step = next_step(OPEN, planned=planned, in_placement=False, today=TODAY)
    assert (step.kind, step.on, step.activity_type) == (
        NextStepKind.PLANNED_ACTIVITY, date(2026, 6, 1), "training"
    )  # fmt: skip


def test_readiness_to_mark_or_a_proposal_to_wait_for() -> None:
    assert _step(OPEN) is NextStepKind.READY_FOR_MATCHING
    assert _step(replace(OPEN, ready_for_matching=True)) is NextStepKind.AWAITING_PROPOSAL


def test_a_closed_case_has_its_follow_up_next_until_it_is_recorded() -> None:
    closed = replace(OPEN, status=CasePlanStatus.CLOSED, follow_up_due_on=TODAY)
    step = next_step(closed, planned=None, in_placement=False, today=TODAY)
    assert (step.kind, step.on) == (NextStepKind.FOLLOW_UP_DUE, TODAY)
    later = replace(closed, follow_up_due_on=date(2026, 11, 4))
    assert _step(later) is NextStepKind.FOLLOW_UP_LATER
    done = replace(closed, follow_up_outcome=FollowUpOutcome.IMPROVED_SITUATION)
    assert _step(done) is NextStepKind.NONE
    assert _step(replace(closed, follow_up_due_on=None)) is NextStepKind.NONE
