"""What comes next in a case, as a code and a date for the support worker's list of cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.caseplan.domain.case_plan import CasePlan


class NextStepKind(StrEnum):
    """The one thing a support worker should do (or wait for) next in a case."""

    WAITING_FOR_WORKER = "waiting_for_worker"
    PLANNED_ACTIVITY = "planned_activity"
    IN_PLACEMENT = "in_placement"
    AWAITING_PROPOSAL = "awaiting_proposal"
    READY_FOR_MATCHING = "ready_for_matching"
    FOLLOW_UP_DUE = "follow_up_due"
    FOLLOW_UP_LATER = "follow_up_later"
    NONE = "none"


@dataclass(frozen=True)
class NextStep:
    """A case's next step: its kind, its day when it has one, and the activity's type."""

    kind: NextStepKind
    on: date | None = None
    activity_type: str | None = None


@dataclass(frozen=True)
class Planned:
    """The earliest planned activity of a case (its type and start day)."""

    activity_type: str
    starts_on: date | None


def next_step(
    plan: CasePlan, *, planned: Planned | None, in_placement: bool, today: date
) -> NextStep:
    """The next step of a case: the follow-up once it is closed; else a worker, a placement
    under way, the next planned activity, or readiness for matching (marked or still to mark)."""
    if not plan.is_open:
        if plan.follow_up_outcome is not None or plan.follow_up_due_on is None:
            return NextStep(NextStepKind.NONE)
        due = plan.follow_up_due_on <= today
        kind = NextStepKind.FOLLOW_UP_DUE if due else NextStepKind.FOLLOW_UP_LATER
        return NextStep(kind, plan.follow_up_due_on)
    if plan.support_worker_id is None:
        return NextStep(NextStepKind.WAITING_FOR_WORKER)
    if in_placement:
        return NextStep(NextStepKind.IN_PLACEMENT)
    if planned is not None:
        return NextStep(NextStepKind.PLANNED_ACTIVITY, planned.starts_on, planned.activity_type)
    if plan.ready_for_matching:
        return NextStep(NextStepKind.AWAITING_PROPOSAL)
    return NextStep(NextStepKind.READY_FOR_MATCHING)
