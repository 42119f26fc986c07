"""Meeting rules: who may meet whom, when attendance may be recorded, and what it may say."""

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from services.caseplan.domain.case_plan import CasePlan, open_case_plan
from services.caseplan.domain.consent import withdraw
from services.caseplan.domain.meetings import (
    Attendance,
    Meeting,
    MeetingStatus,
    cancel,
    record_attendance,
    schedule,
)
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import SupportWorker
from shared.events.caseplan import MeetingAttendanceRecorded, MeetingCancelled, MeetingScheduled
from shared.events.vocabulary import AttendanceStatus, AttendeeRole, MeetingKind

TODAY = date(2026, 3, 10)
ORG = uuid4()
P, W, GUEST = AttendeeRole.PARTICIPANT, AttendeeRole.SUPPORT_WORKER, AttendeeRole.OTHER
PRESENT, EXCUSED, NO_SHOW = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.EXCUSED,
    AttendanceStatus.NO_SHOW,
)


def a_worker(org: UUID = ORG, active: bool = True) -> SupportWorker:
    return SupportWorker(
        uuid4(), organisation_id=org, municipalities=("Rapla vald",), active=active
    )


def a_plan() -> CasePlan:
    plan, _ = open_case_plan(case_plan_id=uuid4(), participant_id=uuid4(),
                             municipality="Rapla vald", opened_on=date(2026, 1, 5))  # fmt: skip
    return plan


def a_meeting(kind: MeetingKind = MeetingKind.PARTICIPANT_MEETING, day: date = TODAY) -> Meeting:
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    return Meeting(uuid4(), ORG, uuid4(), kind, at)


def scheduled(kind: MeetingKind = MeetingKind.PARTICIPANT_MEETING, day: date = TODAY) -> Meeting:
    plan = a_plan() if kind is MeetingKind.PARTICIPANT_MEETING else None
    m, _ = schedule(a_meeting(kind, day), worker=a_worker(), plan=plan,
                    case_organisations={ORG}, today=TODAY)  # fmt: skip
    return m


def reason(call: object) -> str:
    with pytest.raises(Refusal) as refused:
        call()  # type: ignore[operator]
    return refused.value.reason


def test_a_participant_meeting_takes_the_case_and_emits_scheduled() -> None:
    plan = a_plan()
    m, events = schedule(a_meeting(), worker=a_worker(), plan=plan, case_organisations={ORG},
                         today=TODAY)  # fmt: skip
    assert (m.participant_id, m.case_plan_id, m.municipality) == (
        plan.participant_id,
        plan.case_plan_id,
        "Rapla vald",
    )
    [event] = events
    assert isinstance(event, MeetingScheduled) and event.participant_id == plan.participant_id


def test_a_team_meeting_has_no_participant() -> None:
    m, [event] = schedule(a_meeting(MeetingKind.TEAM_MEETING), worker=a_worker(), plan=None,
                          case_organisations=set(), today=TODAY)  # fmt: skip
    assert m.participant_id is None and event.participant_id is None
    assert reason(lambda: schedule(a_meeting(MeetingKind.TEAM_MEETING), worker=a_worker(),
                  plan=a_plan(), case_organisations={ORG}, today=TODAY)) == (
        "participant_in_team_meeting")  # fmt: skip


@pytest.mark.parametrize(
    ("worker", "plan", "serving", "day", "why"),
    [
        (a_worker(uuid4()), a_plan(), {ORG}, TODAY, "worker_of_other_organisation"),
        (a_worker(active=False), a_plan(), {ORG}, TODAY, "support_worker_inactive"),
        (a_worker(), None, {ORG}, TODAY, "participant_required"),
        (a_worker(), a_plan(), {uuid4()}, TODAY, "case_of_other_organisation"),
        (a_worker(), a_plan(), {ORG}, TODAY + timedelta(days=400), "meeting_too_far"),
        (a_worker(), a_plan(), {ORG}, TODAY - timedelta(days=400), "meeting_too_far"),
    ],
)
def test_scheduling_refusals(
    worker: SupportWorker, plan: CasePlan | None, serving: set[UUID], day: date, why: str
) -> None:
    assert reason(lambda: schedule(a_meeting(day=day), worker=worker, plan=plan,
                                   case_organisations=serving, today=TODAY)) == why  # fmt: skip


def test_a_closed_case_takes_no_meeting() -> None:
    closed = withdraw(a_plan(), ["case_management"], datetime(2026, 3, 1, tzinfo=UTC))
    assert reason(lambda: schedule(a_meeting(), worker=a_worker(), plan=closed,
                                   case_organisations={ORG}, today=TODAY)) == "case_closed"  # fmt: skip


def test_attendance_is_recorded_once_and_the_meeting_is_held() -> None:
    m = scheduled()
    held, [event] = record_attendance(m, [Attendance(P, NO_SHOW), Attendance(W, PRESENT)], TODAY)
    assert held.status is MeetingStatus.HELD and held.held_on == TODAY
    assert isinstance(event, MeetingAttendanceRecorded)
    assert [(a.role, a.status) for a in event.attendance] == [(P, NO_SHOW), (W, PRESENT)]
    again = [Attendance(P, PRESENT)]
    assert reason(lambda: record_attendance(held, again, TODAY)) == "attendance_already_recorded"
    assert reason(lambda: cancel(held, TODAY)) == "attendance_already_recorded"


def test_no_attendance_for_a_meeting_after_today() -> None:
    m = scheduled(day=TODAY + timedelta(days=1))
    assert reason(lambda: record_attendance(m, [Attendance(P, PRESENT)], TODAY)) == (
        "meeting_in_future"
    )
    assert record_attendance(m, [Attendance(P, PRESENT)], TODAY + timedelta(days=1))[0].held_on


def test_a_cancelled_meeting_takes_no_attendance() -> None:
    cancelled, [event] = cancel(scheduled(), TODAY)
    assert isinstance(event, MeetingCancelled) and cancelled.cancelled_on == TODAY
    assert reason(lambda: record_attendance(cancelled, [Attendance(P, PRESENT)], TODAY)) == (
        "meeting_cancelled"
    )
    assert reason(lambda: cancel(cancelled, TODAY)) == "meeting_cancelled"


@pytest.mark.parametrize(
    ("kind", "attendance", "why"),
    [
        (MeetingKind.PARTICIPANT_MEETING, [], "attendance_empty"),
        (MeetingKind.PARTICIPANT_MEETING, [Attendance(P, PRESENT), Attendance(W, NO_SHOW)],
         "no_show_only_for_participants"),
        (MeetingKind.TEAM_MEETING, [Attendance(GUEST, NO_SHOW, "social worker")],
         "no_show_only_for_participants"),
        (MeetingKind.PARTICIPANT_MEETING, [Attendance(P, PRESENT), Attendance(P, EXCUSED)],
         "attendee_twice"),
        (MeetingKind.PARTICIPANT_MEETING, [Attendance(W, PRESENT)],
         "participant_attendance_missing"),
        (MeetingKind.TEAM_MEETING, [Attendance(P, PRESENT)], "participant_in_team_meeting"),
    ],
)  # fmt: skip
def test_attendance_refusals(kind: MeetingKind, attendance: list[Attendance], why: str) -> None:
    assert reason(lambda: record_attendance(scheduled(kind), attendance, TODAY)) == why


def test_a_team_meeting_counts_its_staff() -> None:
    team = [Attendance(W, PRESENT), Attendance(GUEST, PRESENT, "social worker"),
            Attendance(GUEST, EXCUSED, "social worker")]  # fmt: skip
    held, _ = record_attendance(scheduled(MeetingKind.TEAM_MEETING), team, TODAY)
    assert held.attendance == tuple(team)
