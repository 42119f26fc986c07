"""Meetings and attendance: support workers meet participants, and hold team meetings.

A meeting is scheduled by a support worker of an organisation, for a moment, of a kind: a
`participant_meeting` with one participant whose open case the organisation serves, or a
`team_meeting` without a participant. It is held once its attendance is recorded (once, per
attendee), or cancelled before that; the rules below say what may not happen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from services.caseplan.domain.case_plan import CasePlan
from services.caseplan.domain.refusal import Refusal
from services.caseplan.domain.workers import SupportWorker
from shared.events.caseplan import (
    MeetingAttendance,
    MeetingAttendanceRecorded,
    MeetingCancelled,
    MeetingScheduled,
)
from shared.events.vocabulary import AttendanceStatus, AttendeeRole, MeetingKind

HORIZON = timedelta(days=366)
"""How far from today a meeting may be scheduled, either way (a past one: recorded late)."""


class MeetingStatus(StrEnum):
    """Where a meeting stands."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Attendance:
    """One attendee's attendance; `label` names an `other` attendee's role, never a person."""

    role: AttendeeRole
    status: AttendanceStatus
    label: str | None = None


@dataclass(frozen=True)
class Meeting:
    """A meeting of a support worker with a participant, or a team meeting."""

    meeting_id: UUID
    organisation_id: UUID
    support_worker_id: UUID
    kind: MeetingKind
    starts_at: datetime
    case_plan_id: UUID | None = None
    participant_id: UUID | None = None
    municipality: str | None = None
    status: MeetingStatus = MeetingStatus.SCHEDULED
    attendance: tuple[Attendance, ...] = ()
    held_on: date | None = None
    cancelled_on: date | None = None

    @property
    def day(self) -> date:
        """The meeting's day (UTC)."""
        return self.starts_at.date()


def schedule(
    meeting: Meeting,
    *,
    worker: SupportWorker,
    plan: CasePlan | None,
    case_organisations: Collection[UUID],
    today: date,
) -> tuple[Meeting, list[MeetingScheduled]]:
    """A new meeting: the worker belongs to the organisation and is active, a participant
    meeting names an open case the organisation serves (a team meeting names none), and the
    moment is within a year of today."""
    if worker.organisation_id != meeting.organisation_id:
        raise Refusal("worker_of_other_organisation", "the support worker is not of the"
                      " organisation", status=422, field="support_worker_id")  # fmt: skip
    if not worker.active:
        raise Refusal("support_worker_inactive", "the support worker is not active")
    if abs(meeting.day - today) > HORIZON:
        raise Refusal("meeting_too_far", "a meeting lies within a year of today", status=422,
                      field="starts_at")  # fmt: skip
    if meeting.kind is MeetingKind.TEAM_MEETING:
        if plan is not None:
            raise Refusal("participant_in_team_meeting", "a team meeting has no participant",
                          status=422, field="participant_id")  # fmt: skip
        scheduled = meeting
    else:
        if plan is None:
            raise Refusal("participant_required", "a participant meeting names the participant",
                          status=422, field="participant_id")  # fmt: skip
        plan.require_open()
        if meeting.organisation_id not in case_organisations:
            raise Refusal("case_of_other_organisation", "the organisation does not serve this"
                          " participant's case")  # fmt: skip
        scheduled = replace(meeting, case_plan_id=plan.case_plan_id,
                            participant_id=plan.participant_id, municipality=plan.municipality)  # fmt: skip
    return scheduled, [MeetingScheduled(**_base(scheduled))]


def cancel(meeting: Meeting, today: date) -> tuple[Meeting, list[MeetingCancelled]]:
    """Cancel a meeting not yet held."""
    _require_scheduled(meeting)
    cancelled = replace(meeting, status=MeetingStatus.CANCELLED, cancelled_on=today)
    return cancelled, [MeetingCancelled(**_base(cancelled), cancelled_on=today)]


def record_attendance(
    meeting: Meeting, attendance: list[Attendance], today: date
) -> tuple[Meeting, list[MeetingAttendanceRecorded]]:
    """The meeting was held: every attendee's attendance at once, for a meeting that is not
    cancelled, not recorded already and not on a day after today. `no_show` is only for the
    participant; a participant meeting records the participant's attendance, a team meeting
    has none; the participant and the support worker are each recorded once."""
    _require_scheduled(meeting)
    if meeting.day > today:
        raise Refusal("meeting_in_future", "attendance is recorded once the meeting's day came")
    _check_attendees(meeting, attendance)
    held = replace(meeting, status=MeetingStatus.HELD, attendance=tuple(attendance),
                   held_on=meeting.day)  # fmt: skip
    shown = [MeetingAttendance(role=a.role, status=a.status) for a in attendance]
    return held, [MeetingAttendanceRecorded(**_base(held), held_on=meeting.day, attendance=shown)]


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise Refusal("meeting_cancelled", "the meeting was cancelled")
    if meeting.status is MeetingStatus.HELD:
        raise Refusal("attendance_already_recorded", "the meeting's attendance is recorded")


def _check_attendees(meeting: Meeting, attendance: list[Attendance]) -> None:
    def bad(reason: str, message: str) -> Refusal:
        return Refusal(reason, message, status=422, field="attendance")

    if not attendance:
        raise bad("attendance_empty", "name at least one attendee")
    roles = Counter(a.role for a in attendance)
    if any(a.status is AttendanceStatus.NO_SHOW and a.role is not AttendeeRole.PARTICIPANT
           for a in attendance):  # fmt: skip
        raise bad("no_show_only_for_participants", "only a participant can be a no-show")
    if roles[AttendeeRole.PARTICIPANT] > 1 or roles[AttendeeRole.SUPPORT_WORKER] > 1:
        raise bad("attendee_twice", "the participant and the support worker come once each")
    has_participant = roles[AttendeeRole.PARTICIPANT] == 1
    if meeting.kind is MeetingKind.TEAM_MEETING and has_participant:
        raise bad("participant_in_team_meeting", "a team meeting has no participant")
    if meeting.kind is MeetingKind.PARTICIPANT_MEETING and not has_participant:
        raise bad("participant_attendance_missing", "record whether the participant came")


def _base(m: Meeting) -> dict[str, object]:
    return {
        "meeting_id": m.meeting_id, "organisation_id": m.organisation_id,
        "support_worker_id": m.support_worker_id, "kind": m.kind, "starts_at": m.starts_at,
        "participant_id": m.participant_id, "case_plan_id": m.case_plan_id,
        "municipality": m.municipality,
    }  # fmt: skip
