"""Which closed cases tell that their follow-up fell due, and what the event carries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import uuid4

from services.caseplan.domain.case_plan import CasePlan, exit_case
from services.caseplan.domain.follow_ups import TELL_DAYS, follow_up_due_event, told_since
from shared.events.vocabulary import ExitOutcome, FollowUpOutcome

OPEN = CasePlan(
    case_plan_id=uuid4(), participant_id=uuid4(), municipality="Rapla vald",
    opened_on=date(2026, 1, 5), planned_end_on=date(2026, 12, 31), support_worker_id=uuid4(),
)  # fmt: skip
CLOSED, _ = exit_case(OPEN, ExitOutcome.EMPLOYED, date(2026, 3, 2), date(2026, 3, 2))
DUE = date(2026, 9, 2)
ORG = uuid4()


def test_a_closed_case_tells_its_organisation_on_the_day_it_falls_due() -> None:
    assert CLOSED.follow_up_due_on == DUE
    assert follow_up_due_event(CLOSED, ORG, date(2026, 9, 1)) is None
    event = follow_up_due_event(CLOSED, ORG, DUE)
    assert event is not None
    assert (event.participant_id, event.case_plan_id, event.organisation_id) == (
        OPEN.participant_id, OPEN.case_plan_id, ORG,
    )  # fmt: skip
    assert event.follow_up_due_on == DUE and event.TYPE == "participant.follow_up_due"


def test_nothing_is_told_once_recorded_withdrawn_or_long_past() -> None:
    recorded = replace(CLOSED, follow_up_outcome=FollowUpOutcome.EMPLOYED, followed_up_on=DUE)
    assert follow_up_due_event(recorded, ORG, DUE) is None
    withdrawn = replace(CLOSED, consent_withdrawals=(("follow_up", datetime.now(UTC)),))
    assert follow_up_due_event(withdrawn, ORG, DUE) is None
    assert follow_up_due_event(OPEN, ORG, DUE) is None  # an open case has no follow-up
    assert told_since(DUE) == date(2026, 8, 3) and TELL_DAYS == 30
    assert follow_up_due_event(CLOSED, ORG, date(2026, 10, 3)) is None  # 31 days late
    assert follow_up_due_event(CLOSED, ORG, date(2026, 10, 2)) is not None  # 30 days
