"""Placements at organisations: start, hours, attendance, end, and readiness afterwards."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.hours import valid_hours
from services.caseplan.domain.plausible import require_day_worked
from services.caseplan.domain.refusal import Refusal
from shared.events.caseplan import (
    ParticipantReadyForMatching,
    PlacementEnded,
    PlacementHoursLogged,
    PlacementStarted,
)
from shared.events.envelope import Payload
from shared.events.vocabulary import OpeningKind, PlacementOutcome


class PlacementStatus(StrEnum):
    """Whether the participant is still at the organisation."""

    ACTIVE = "active"
    ENDED = "ended"


@dataclass(frozen=True)
class Placement:
    """A participant working or training at an organisation after a match was accepted."""

    placement_id: UUID
    case_plan_id: UUID
    participant_id: UUID
    organisation_id: UUID
    starts_on: date
    match_id: UUID | None = None
    opening_id: UUID | None = None
    opening_kind: OpeningKind | None = None
    hours_per_week: float = 0
    status: PlacementStatus = PlacementStatus.ACTIVE
    outcome: PlacementOutcome | None = None
    ended_on: date | None = None
    hours_logged: Decimal = Decimal(0)

    def require_organisation(self, organisation_id: UUID) -> None:
        """Only staff of the placement's own organisation may update it."""
        if organisation_id != self.organisation_id:
            raise Refusal(
                "wrong_organisation",
                "only the placement's own organisation can update it",
                status=403,
            )

    def require_active(self) -> None:
        """An ended placement takes no more updates."""
        if self.status is PlacementStatus.ENDED:
            raise Refusal("placement_ended", "the placement has ended")


def start_placement(plan: CasePlan, placement: Placement) -> tuple[CasePlan, list[Payload]]:
    """A placement starts; the participant is no longer waiting to be matched."""
    plan.require_open()
    started = PlacementStarted(
        participant_id=plan.participant_id,
        placement_id=placement.placement_id,
        match_id=placement.match_id,
        organisation_id=placement.organisation_id,
        opening_id=placement.opening_id,
        opening_kind=placement.opening_kind,
        starts_on=placement.starts_on,
        hours_per_week=placement.hours_per_week,
    )
    return replace(plan, ready_for_matching=False), [started]


def log_placement_hours(
    placement: Placement,
    *,
    organisation_id: UUID,
    hours: Decimal | float | str,
    worked_on: date,
    already_that_day: Decimal,
    today: date,
) -> tuple[Placement, Decimal, list[Payload]]:
    """Workshop staff log hours worked on one day."""
    placement.require_organisation(organisation_id)
    placement.require_active()
    exact = valid_hours(hours, already_that_day)
    began = "the placement started"
    require_day_worked(worked_on, since=placement.starts_on, today=today, began=began)
    logged = replace(placement, hours_logged=placement.hours_logged + exact)
    event = PlacementHoursLogged(
        participant_id=placement.participant_id,
        placement_id=placement.placement_id,
        organisation_id=placement.organisation_id,
        hours=float(exact),
        worked_on=worked_on,
    )
    return logged, exact, [event]


def check_attendance(placement: Placement, *, organisation_id: UUID, on: date) -> None:
    """Attendance is recorded by the placement's organisation, on or after its start."""
    placement.require_organisation(organisation_id)
    placement.require_active()
    if on < placement.starts_on:
        raise Refusal("before_start", "attendance before the placement started", status=422)


def end_placement(
    plan: CasePlan,
    placement: Placement,
    *,
    organisation_id: UUID,
    outcome: PlacementOutcome,
    ended_on: date,
    ready_again: bool = True,
    contact: str | None = None,
    case_organisation: UUID | None = None,
) -> tuple[CasePlan, Placement, list[Payload]]:
    """End a placement; without a hire the participant is ready again unless told otherwise."""
    placement.require_organisation(organisation_id)
    placement.require_active()
    if ended_on < placement.starts_on:
        raise Refusal("ends_before_start", "the placement ends before it started", status=422)
    ended = replace(placement, status=PlacementStatus.ENDED, outcome=outcome, ended_on=ended_on)
    events: list[Payload] = [
        PlacementEnded(
            participant_id=placement.participant_id,
            placement_id=placement.placement_id,
            organisation_id=placement.organisation_id,
            opening_id=placement.opening_id,
            outcome=outcome,
            ended_on=ended_on,
        )
    ]
    if outcome is PlacementOutcome.HIRED or not ready_again or not plan.is_open:
        return plan, ended, events
    ready = replace(plan, ready_for_matching=True)
    events.append(
        ParticipantReadyForMatching(
            participant_id=plan.participant_id,
            opening_kinds=list(plan.opening_kinds),
            support_worker_contact=contact,
            organisation_id=case_organisation,
        )
    )
    return ready, ended, events
