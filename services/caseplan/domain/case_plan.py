"""The case plan: opening, goals, readiness, exit, follow-up and consent withdrawal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from services.caseplan.domain.dates import FOLLOW_UP_MONTHS, PLAN_MONTHS, add_months
from services.caseplan.domain.plausible import require_exit_day, require_follow_up_day
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import (
    CaseplanOpened,
    ParticipantExited,
    ParticipantFollowedUp,
    ParticipantReadyForMatching,
)
from shared.events.envelope import Payload
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome, OpeningKind


class CasePlanStatus(StrEnum):
    """Whether a case plan still takes work."""

    OPEN = "open"
    CLOSED = "closed"


class ClosedBecause(StrEnum):
    """Why a case plan closed."""

    EXITED = "exited"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    ERASED = "erased"


@dataclass(frozen=True)
class CasePlan:
    """One participant's plan, kept by one support worker."""

    case_plan_id: UUID
    participant_id: UUID
    municipality: str
    opened_on: date
    planned_end_on: date
    status: CasePlanStatus = CasePlanStatus.OPEN
    organisation_id: UUID | None = None
    support_worker_id: UUID | None = None
    ready_for_matching: bool = False
    opening_kinds: tuple[OpeningKind, ...] = ()
    closed_because: ClosedBecause | None = None
    exit_outcome: ExitOutcome | None = None
    exited_on: date | None = None
    follow_up_due_on: date | None = None
    follow_up_outcome: FollowUpOutcome | None = None
    followed_up_on: date | None = None
    languages: tuple[str, ...] = ()
    """The languages the participant speaks (from intake's profile)."""
    consent_withdrawals: tuple[tuple[str, datetime], ...] = ()
    """(purpose, when) for each consent purpose withdrawn (`consent.py`)."""

    def withdrew(self, purpose: str) -> bool:
        """Whether the participant withdrew consent for this purpose."""
        return any(p == purpose for p, _ in self.consent_withdrawals)

    @property
    def is_open(self) -> bool:
        """True while the case takes new activities and placements."""
        return self.status is CasePlanStatus.OPEN

    def is_overdue(self, today: date) -> bool:
        """An open plan past its planned end."""
        return self.is_open and today > self.planned_end_on

    def require_open(self) -> None:
        """Refuse any change to a closed case."""
        if not self.is_open:
            raise Refusal("case_closed", "the case plan is closed and takes no new work")


@dataclass(frozen=True)
class Goal:
    """Something the participant and support worker aim for."""

    goal_id: UUID
    case_plan_id: UUID
    title: str
    description: str | None = None
    target_on: date | None = None
    achieved: bool = False


def open_case_plan(
    *,
    case_plan_id: UUID,
    participant_id: UUID,
    municipality: str,
    opened_on: date,
    languages: tuple[str, ...] = (),
) -> tuple[CasePlan, list[Payload]]:
    """A new open case plan whose planned end is twelve months after opening."""
    plan = CasePlan(
        case_plan_id=case_plan_id,
        participant_id=participant_id,
        municipality=municipality,
        opened_on=opened_on,
        planned_end_on=add_months(opened_on, PLAN_MONTHS),
        languages=languages,
    )
    opened = CaseplanOpened(
        participant_id=participant_id,
        case_plan_id=case_plan_id,
        municipality=municipality,
        opened_on=opened_on,
        planned_end_on=plan.planned_end_on,
    )
    return plan, [opened]


def add_goal(plan: CasePlan, goal: Goal) -> Goal:
    """A goal for an open case plan."""
    plan.require_open()
    if not goal.title.strip():
        raise Refusal("title_empty", "a goal needs a title", status=422)
    return goal


def mark_ready(
    plan: CasePlan,
    opening_kinds: list[OpeningKind],
    contact: str | None = None,
    organisation_id: UUID | None = None,
) -> tuple[CasePlan, list[Payload]]:
    """The support worker finds the participant ready to be matched to openings."""
    plan.require_open()
    if plan.withdrew("matching"):
        raise Refusal("matching_consent_withdrawn", "the participant withdrew consent to matching")
    kinds = tuple(dict.fromkeys(opening_kinds))
    ready = replace(plan, ready_for_matching=True, opening_kinds=kinds)
    event = ParticipantReadyForMatching(
        participant_id=plan.participant_id,
        opening_kinds=list(kinds),
        support_worker_contact=contact,
        organisation_id=organisation_id,
    )
    return ready, [event]


def exit_case(
    plan: CasePlan, outcome: ExitOutcome, exited_on: date, today: date
) -> tuple[CasePlan, list[Payload]]:
    """The participant leaves: the case closes and a follow-up falls due six months later."""
    plan.require_open()
    require_exit_day(exited_on, opened_on=plan.opened_on, today=today)
    due = add_months(exited_on, FOLLOW_UP_MONTHS)
    closed = replace(
        plan,
        status=CasePlanStatus.CLOSED,
        closed_because=ClosedBecause.EXITED,
        ready_for_matching=False,
        exit_outcome=outcome,
        exited_on=exited_on,
        follow_up_due_on=due,
    )
    event = ParticipantExited(
        participant_id=plan.participant_id,
        case_plan_id=plan.case_plan_id,
        outcome=outcome,
        exited_on=exited_on,
        follow_up_due_on=due,
    )
    return closed, [event]


def record_follow_up(
    plan: CasePlan, outcome: FollowUpOutcome, followed_up_on: date, today: date
) -> tuple[CasePlan, list[Payload]]:
    """The situation six months after leaving (or that the participant was not reached)."""
    if plan.exited_on is None:
        raise Refusal("not_exited", "a follow-up is recorded only after the participant exits")
    if plan.follow_up_outcome is not None:
        raise Refusal("already_followed_up", "the follow-up is already recorded")
    if plan.withdrew("follow_up"):
        raise Refusal(
            "follow_up_consent_withdrawn",
            "the participant withdrew consent to follow-up contact: it is not collected",
        )
    due_on = plan.follow_up_due_on or add_months(plan.exited_on, FOLLOW_UP_MONTHS)
    require_follow_up_day(followed_up_on, exited_on=plan.exited_on, due_on=due_on, today=today)
    done = replace(plan, follow_up_outcome=outcome, followed_up_on=followed_up_on)
    event = ParticipantFollowedUp(
        participant_id=plan.participant_id,
        case_plan_id=plan.case_plan_id,
        outcome=outcome,
        followed_up_on=followed_up_on,
    )
    return done, [event]


def withdraw_consent(
    plan: CasePlan, because: ClosedBecause = ClosedBecause.CONSENT_WITHDRAWN
) -> CasePlan:
    """Consent withdrawn (or erasure): the case closes; the store removes personal notes."""
    if not plan.is_open:
        return plan
    return replace(
        plan,
        status=CasePlanStatus.CLOSED,
        closed_because=because,
        ready_for_matching=False,
    )


def follow_up_due(plan: CasePlan, today: date) -> bool:
    """The follow-up is due, not yet recorded, and the participant may be contacted."""
    return (
        plan.follow_up_due_on is not None
        and plan.follow_up_outcome is None
        and not plan.withdrew("follow_up")
        and plan.follow_up_due_on <= today
    )
