"""Consent by purpose: a withdrawal ends only what rests on the purposes withdrawn.

- `matching`: no more matching (not ready; readiness is refused from then on); the case goes on.
- `case_management`: the case work ends (the case closes, `consent_withdrawn`); matching rests
  on the case (readiness and placements live in it), so it stops too.
- `follow_up`: the six-month follow-up is not to be contacted and is not collected (reporting
  counts it as unknown); the case goes on.
- `employer_contact`, `reporting`: recorded and shown; nothing in the case rests on them.
An empty list of purposes (the first version's event could carry one) means every purpose.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime

from services.caseplan.domain.case_plan import CasePlan, CasePlanStatus, ClosedBecause
from shared.events.vocabulary import ConsentPurpose

ALL_PURPOSES: tuple[str, ...] = tuple(p.value for p in ConsentPurpose)


@dataclass(frozen=True)
class WithdrawalEffects:
    """What a withdrawal stops."""

    stops_matching: bool
    ends_case: bool
    stops_follow_up: bool


def purposes_named(purposes: Collection[str]) -> tuple[str, ...]:
    """The purposes a withdrawal names, in a fixed order; none named means all."""
    named = set(purposes) or set(ALL_PURPOSES)
    return tuple(p for p in ALL_PURPOSES if p in named)


def effects_of(purposes: Collection[str]) -> WithdrawalEffects:
    """The rule: each purpose ends only what rests on it (see the module's docstring)."""
    named = purposes_named(purposes)
    ends_case = ConsentPurpose.CASE_MANAGEMENT in named
    return WithdrawalEffects(
        stops_matching=ends_case or ConsentPurpose.MATCHING in named,
        ends_case=ends_case,
        stops_follow_up=ConsentPurpose.FOLLOW_UP in named,
    )


def withdraw(plan: CasePlan, purposes: Collection[str], at: datetime) -> CasePlan:
    """The plan after a withdrawal: the purposes recorded (the first time kept) and what
    rests on them stopped. A closed case stays closed with its first reason."""
    known = dict(plan.consent_withdrawals)
    for purpose in purposes_named(purposes):
        known.setdefault(purpose, at)
    recorded = tuple((p, known[p]) for p in ALL_PURPOSES if p in known)
    effects = effects_of(purposes)
    changed = replace(plan, consent_withdrawals=recorded)
    if effects.stops_matching:
        changed = replace(changed, ready_for_matching=False)
    if effects.ends_case and plan.is_open:
        changed = replace(
            changed, status=CasePlanStatus.CLOSED, closed_because=ClosedBecause.CONSENT_WITHDRAWN
        )
    return changed


def follow_up_status(plan: CasePlan) -> str:
    """`recorded`, `not_collected` (follow-up consent withdrawn), `pending` (after the exit,
    not yet recorded) or `not_due` (no exit yet)."""
    if plan.follow_up_outcome is not None:
        return "recorded"
    if plan.withdrew(ConsentPurpose.FOLLOW_UP):
        return "not_collected"
    return "not_due" if plan.exited_on is None else "pending"
