"""Storage of meetings and their attendance."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.meetings import Attendance, Meeting, MeetingStatus
from shared.events.vocabulary import AttendanceStatus, AttendeeRole, MeetingKind

Conn: TypeAlias = asyncpg.Connection

_SELECT = (
    "SELECT m.*, c.participant_id, coalesce((SELECT array_agg(a.role ORDER BY a.seq) FROM"
    " meeting_attendance a WHERE a.meeting_id = m.meeting_id), '{}') AS roles,"
    " coalesce((SELECT array_agg(a.status ORDER BY a.seq) FROM meeting_attendance a"
    " WHERE a.meeting_id = m.meeting_id), '{}') AS statuses,"
    " coalesce((SELECT array_agg(a.label ORDER BY a.seq) FROM meeting_attendance a"
    " WHERE a.meeting_id = m.meeting_id), '{}') AS labels"
    " FROM meeting m LEFT JOIN case_plan c USING (case_plan_id)"
)


def _meeting(r: asyncpg.Record) -> Meeting:
    attendance = tuple(
        Attendance(AttendeeRole(role), AttendanceStatus(status), label)
        for role, status, label in zip(r["roles"], r["statuses"], r["labels"], strict=True)
    )
    return Meeting(
        meeting_id=r["meeting_id"],
        organisation_id=r["organisation_id"],
        support_worker_id=r["support_worker_id"],
        kind=MeetingKind(r["kind"]),
        starts_at=r["starts_at"],
        case_plan_id=r["case_plan_id"],
        participant_id=r["participant_id"],
        municipality=r["municipality"],
        status=MeetingStatus(r["status"]),
        attendance=attendance,
        held_on=r["held_on"],
        cancelled_on=r["cancelled_on"],
    )


async def insert_meeting(conn: Conn, m: Meeting) -> None:
    """Store a newly scheduled meeting."""
    await conn.execute(
        "INSERT INTO meeting (meeting_id, organisation_id, support_worker_id, kind, case_plan_id,"
        " municipality, starts_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        m.meeting_id, m.organisation_id, m.support_worker_id, m.kind.value, m.case_plan_id,
        m.municipality, m.starts_at,
    )  # fmt: skip


async def meeting(conn: Conn, meeting_id: UUID, *, lock: bool = False) -> Meeting | None:
    """One meeting with its attendance (the meeting row locked when `lock`)."""
    if lock:
        await conn.execute("SELECT 1 FROM meeting WHERE meeting_id = $1 FOR UPDATE", meeting_id)
    row = await conn.fetchrow(f"{_SELECT} WHERE m.meeting_id = $1", meeting_id)
    return None if row is None else _meeting(row)


async def save_outcome(conn: Conn, m: Meeting) -> None:
    """Write a meeting's status (held or cancelled) and, when held, its attendance."""
    await conn.execute(
        "UPDATE meeting SET status = $2, held_on = $3, cancelled_on = $4 WHERE meeting_id = $1",
        m.meeting_id, m.status.value, m.held_on, m.cancelled_on,
    )  # fmt: skip
    await conn.executemany(
        "INSERT INTO meeting_attendance (meeting_id, seq, role, label, status)"
        " VALUES ($1, $2, $3, $4, $5)",
        [(m.meeting_id, i, a.role.value, a.label, a.status.value)
         for i, a in enumerate(m.attendance)],
    )  # fmt: skip


def _between(start: date | None, end: date | None) -> tuple[datetime, datetime]:
    lo = datetime.combine(start or date.min, time.min, tzinfo=UTC)
    hi = datetime.combine(end or date.max - timedelta(days=1), time.min, tzinfo=UTC)
    return lo, hi + timedelta(days=1)


async def meetings_of_case(conn: Conn, case_plan_id: UUID) -> list[Meeting]:
    """A case plan's meetings, in time order."""
    rows = await conn.fetch(
        f"{_SELECT} WHERE m.case_plan_id = $1 ORDER BY m.starts_at, m.meeting_id", case_plan_id
    )
    return [_meeting(r) for r in rows]


async def meetings_of_organisation(
    conn: Conn, organisation_id: UUID, start: date | None, end: date | None
) -> list[Meeting]:
    """An organisation's meetings starting on the days from `start` to `end` (UTC days)."""
    lo, hi = _between(start, end)
    rows = await conn.fetch(
        f"{_SELECT} WHERE m.organisation_id = $1 AND m.starts_at >= $2 AND m.starts_at < $3"
        " ORDER BY m.starts_at, m.meeting_id",
        organisation_id, lo, hi,
    )  # fmt: skip
    return [_meeting(r) for r in rows]
