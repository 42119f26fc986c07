"""Writes of the meetings read model: one row per meeting, each upsert safe in any order."""

from __future__ import annotations

from collections import Counter
from typing import Any

import asyncpg

from services.reporting.repository.projection import Events

_BASE = ("meeting_id, organisation_id, support_worker_id, kind, participant_id, municipality,"
         " starts_on")  # fmt: skip
_SET_BASE = ", ".join(f"{c} = EXCLUDED.{c}" for c in _BASE.replace(" ", "").split(",")[1:])


def _base(e: Any) -> tuple[Any, ...]:
    p = e.payload
    return (p.meeting_id, p.organisation_id, p.support_worker_id, str(p.kind), p.participant_id,
            p.municipality, p.starts_at.date())  # fmt: skip


async def meeting_scheduled(conn: asyncpg.Connection, events: Events) -> None:
    """A meeting scheduled."""
    await conn.executemany(
        f"INSERT INTO meeting_fact ({_BASE}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        f" ON CONFLICT (meeting_id) DO UPDATE SET {_SET_BASE}",
        [_base(e) for e in events],
    )


async def meeting_cancelled(conn: asyncpg.Connection, events: Events) -> None:
    """A meeting cancelled before it was held."""
    await conn.executemany(
        f"INSERT INTO meeting_fact ({_BASE}, cancelled_on) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        f" $8) ON CONFLICT (meeting_id) DO UPDATE SET {_SET_BASE},"
        " cancelled_on = EXCLUDED.cancelled_on",
        [(*_base(e), e.payload.cancelled_on) for e in events],
    )


def _attendance(e: Any) -> tuple[Any, ...]:
    counts = Counter(str(a.status) for a in e.payload.attendance)
    mine = [str(a.status) for a in e.payload.attendance if str(a.role) == "participant"]
    return (*_base(e), e.payload.held_on, mine[0] if mine else None,
            counts["present"], counts["excused"], counts["no_show"])  # fmt: skip


async def meeting_attendance_recorded(conn: asyncpg.Connection, events: Events) -> None:
    """A meeting held: the participant's attendance and every attendee's, counted."""
    await conn.executemany(
        f"INSERT INTO meeting_fact ({_BASE}, held_on, participant_status, present, excused,"
        " no_show) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        f" ON CONFLICT (meeting_id) DO UPDATE SET {_SET_BASE}, held_on = EXCLUDED.held_on,"
        " participant_status = EXCLUDED.participant_status, present = EXCLUDED.present,"
        " excused = EXCLUDED.excused, no_show = EXCLUDED.no_show",
        [_attendance(e) for e in events],
    )
