"""Telling that a follow-up fell due: which closed cases, once each, and the event."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from services.caseplan.domain.case_plan import CasePlan, follow_up_due
from shared.events.caseplan import ParticipantFollowUpDue

TELL_DAYS = 30
"""A follow-up is told of only within this many days of falling due: an imported history's
or a long-stopped job's old follow-ups tell nobody (they show on the case list still)."""


def told_since(today: date, days: int = TELL_DAYS) -> date:
    """The earliest due day still told of today."""
    return today - timedelta(days=days)


def follow_up_due_event(
    plan: CasePlan, organisation_id: UUID | None, today: date
) -> ParticipantFollowUpDue | None:
    """The `participant.follow_up_due` of a plan whose follow-up is due now (and may be
    collected), for the organisation keeping it, or None."""
    if not follow_up_due(plan, today) or plan.follow_up_due_on is None:
        return None
    if plan.follow_up_due_on < told_since(today):
        return None
    return ParticipantFollowUpDue(
        participant_id=plan.participant_id,
        case_plan_id=plan.case_plan_id,
        organisation_id=organisation_id,
        follow_up_due_on=plan.follow_up_due_on,
    )
