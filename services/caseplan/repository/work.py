"""Storage of goals, activities, placements and their logged hours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.activities import Activity
from services.caseplan.domain.case_plan import Goal
from services.caseplan.domain.placements import Placement, PlacementStatus
from shared.events.vocabulary import (
    ActivityStatus,
    ActivityType,
    OpeningKind,
    PlacementOutcome,
    ProviderKind,
)

Conn: TypeAlias = asyncpg.Connection


def _opt(kind: Any, value: Any) -> Any:
    return None if value is None else kind(value)


# -- goals --------------------------------------------------------------------------------
async def insert_goal(conn: Conn, goal: Goal) -> None:
    """Store a new goal."""
    await conn.execute(
        "INSERT INTO goal (goal_id, case_plan_id, title, description, target_on)"
        " VALUES ($1, $2, $3, $4, $5)",
        goal.goal_id,
        goal.case_plan_id,
        goal.title,
        goal.description,
        goal.target_on,
    )


async def goals_of(conn: Conn, case_plan_id: UUID) -> list[Goal]:
    """A case plan's goals in the order they were set."""
    rows = await conn.fetch(
        "SELECT * FROM goal WHERE case_plan_id = $1 ORDER BY created_at, goal_id", case_plan_id
    )
    return [
        Goal(
            r["goal_id"],
            r["case_plan_id"],
            r["title"],
            r["description"],
            r["target_on"],
            r["achieved"],
        )
        for r in rows
    ]


# -- activities ---------------------------------------------------------------------------
def _activity(r: asyncpg.Record) -> Activity:
    return Activity(
        activity_id=r["activity_id"],
        case_plan_id=r["case_plan_id"],
        activity_type=ActivityType(r["activity_type"]),
        status=ActivityStatus(r["status"]),
        provider_kind=_opt(ProviderKind, r["provider_kind"]),
        organisation_id=r["organisation_id"],
        starts_on=r["starts_on"],
        ends_on=r["ends_on"],
        hours_logged=r["hours_logged"],
        note=r["note"],
    )


async def insert_activity(conn: Conn, a: Activity) -> None:
    """Store a new activity."""
    await conn.execute(
        "INSERT INTO activity (activity_id, case_plan_id, activity_type, status, provider_kind,"
        " organisation_id, starts_on, ends_on, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        a.activity_id,
        a.case_plan_id,
        a.activity_type.value,
        a.status.value,
        _opt(str, a.provider_kind),
        a.organisation_id,
        a.starts_on,
        a.ends_on,
        a.note,
    )


async def activity(conn: Conn, activity_id: UUID, *, lock: bool = False) -> Activity | None:
    """One activity (row-locked when `lock`, so hours per day are checked one at a time)."""
    sql = "SELECT * FROM activity WHERE activity_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, activity_id)
    return None if row is None else _activity(row)


async def activities_of(conn: Conn, case_plan_id: UUID) -> list[Activity]:
    """A case plan's activities in the order they were added."""
    rows = await conn.fetch(
        "SELECT * FROM activity WHERE case_plan_id = $1 ORDER BY created_at, activity_id",
        case_plan_id,
    )
    return [_activity(r) for r in rows]


async def save_activity_status(conn: Conn, a: Activity) -> None:
    """Write an activity's status."""
    await conn.execute(
        "UPDATE activity SET status = $2 WHERE activity_id = $1", a.activity_id, a.status.value
    )


async def activity_hours_on(conn: Conn, activity_id: UUID, day: date) -> Decimal:
    """Hours already logged on an activity for one day."""
    value = await conn.fetchval(
        "SELECT coalesce(sum(hours), 0) FROM activity_hours WHERE activity_id = $1"
        " AND worked_on = $2",
        activity_id,
        day,
    )
    return Decimal(value)


async def add_activity_hours(conn: Conn, activity_id: UUID, day: date, hours: Decimal) -> None:
    """Log hours on an activity and add them to its total."""
    await conn.execute(
        "INSERT INTO activity_hours (activity_id, worked_on, hours) VALUES ($1, $2, $3)",
        activity_id,
        day,
        hours,
    )
    await conn.execute(
        "UPDATE activity SET hours_logged = hours_logged + $2 WHERE activity_id = $1",
        activity_id,
        hours,
    )


async def activities_by_ids(conn: Conn, activity_ids: list[UUID]) -> dict[UUID, Activity]:
    """Activities by id, row-locked in id order (so two timesheets never deadlock)."""
    rows = await conn.fetch(
        "SELECT * FROM activity WHERE activity_id = ANY($1::uuid[]) ORDER BY activity_id"
        " FOR UPDATE",
        activity_ids,
    )
    return {r["activity_id"]: _activity(r) for r in rows}


async def activity_hours_on_days(
    conn: Conn, days: list[tuple[UUID, date]]
) -> dict[tuple[UUID, date], Decimal]:
    """Hours already logged for each (activity, day) that has any."""
    rows = await conn.fetch(
        "SELECT h.activity_id, h.worked_on, sum(h.hours) AS hours FROM activity_hours h"
        " JOIN unnest($1::uuid[], $2::date[]) AS d(activity_id, worked_on)"
        " USING (activity_id, worked_on) GROUP BY h.activity_id, h.worked_on",
        [a for a, _ in days],
        [d for _, d in days],
    )
    return {(r["activity_id"], r["worked_on"]): Decimal(r["hours"]) for r in rows}


async def add_many_activity_hours(conn: Conn, logged: list[tuple[UUID, date, Decimal]]) -> None:
    """Log many (activity, day, hours) rows and add them to their activities' totals."""
    if not logged:
        return
    args = ([a for a, _, _ in logged], [d for _, d, _ in logged], [h for _, _, h in logged])
    await conn.execute(
        "INSERT INTO activity_hours (activity_id, worked_on, hours)"
        " SELECT * FROM unnest($1::uuid[], $2::date[], $3::numeric[])",
        *args,
    )
    await conn.execute(
        "UPDATE activity a SET hours_logged = a.hours_logged + s.hours FROM"
        " (SELECT id, sum(h) AS hours FROM unnest($1::uuid[], $2::numeric[]) AS r(id, h)"
        " GROUP BY id) s WHERE a.activity_id = s.id",
        args[0],
        args[2],
    )


# -- placements ---------------------------------------------------------------------------
def placement_of_row(r: asyncpg.Record) -> Placement:
    """A placement from its row."""
    return Placement(
        placement_id=r["placement_id"],
        case_plan_id=r["case_plan_id"],
        participant_id=r["participant_id"],
        organisation_id=r["organisation_id"],
        starts_on=r["starts_on"],
        match_id=r["match_id"],
        opening_id=r["opening_id"],
        opening_kind=_opt(OpeningKind, r["opening_kind"]),
        hours_per_week=r["hours_per_week"],
        status=PlacementStatus(r["status"]),
        outcome=_opt(PlacementOutcome, r["outcome"]),
        ended_on=r["ended_on"],
        hours_logged=r["hours_logged"],
    )


async def insert_placement(conn: Conn, p: Placement) -> bool:
    """Store a new placement; False when its match already started one."""
    status = await conn.execute(
        "INSERT INTO placement (placement_id, case_plan_id, participant_id, match_id,"
        " organisation_id, opening_id, opening_kind, starts_on, hours_per_week)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (match_id) DO NOTHING",
        p.placement_id,
        p.case_plan_id,
        p.participant_id,
        p.match_id,
        p.organisation_id,
        p.opening_id,
        _opt(str, p.opening_kind),
        p.starts_on,
        p.hours_per_week,
    )
    return bool(status.endswith(" 1"))


async def placement(conn: Conn, placement_id: UUID, *, lock: bool = False) -> Placement | None:
    """One placement (row-locked when `lock`)."""
    sql = "SELECT * FROM placement WHERE placement_id = $1" + (" FOR UPDATE" if lock else "")
    row = await conn.fetchrow(sql, placement_id)
    return None if row is None else placement_of_row(row)


async def placements_of(conn: Conn, case_plan_id: UUID) -> list[Placement]:
    """A case plan's placements, oldest first."""
    rows = await conn.fetch(
        "SELECT * FROM placement WHERE case_plan_id = $1 ORDER BY starts_on, created_at",
        case_plan_id,
    )
    return [placement_of_row(r) for r in rows]


async def placement_hours_on(conn: Conn, placement_id: UUID, day: date) -> Decimal:
    """Hours already logged on a placement for one day."""
    value = await conn.fetchval(
        "SELECT coalesce(sum(hours), 0) FROM placement_hours WHERE placement_id = $1"
        " AND worked_on = $2",
        placement_id,
        day,
    )
    return Decimal(value)


async def add_placement_hours(conn: Conn, placement_id: UUID, day: date, hours: Decimal) -> None:
    """Log hours on a placement and add them to its total."""
    await conn.execute(
        "INSERT INTO placement_hours (placement_id, worked_on, hours) VALUES ($1, $2, $3)",
        placement_id,
        day,
        hours,
    )
    await conn.execute(
        "UPDATE placement SET hours_logged = hours_logged + $2 WHERE placement_id = $1",
        placement_id,
        hours,
    )


async def plans_of_placements(conn: Conn, placement_ids: list[UUID]) -> list[UUID]:
    """The case plans these placements belong to (unlocked: to lock the plans first)."""
    rows = await conn.fetch(
        "SELECT DISTINCT case_plan_id FROM placement WHERE placement_id = ANY($1::uuid[])",
        placement_ids,
    )
    return sorted(r["case_plan_id"] for r in rows)


async def placements_by_ids(conn: Conn, placement_ids: list[UUID]) -> dict[UUID, Placement]:
    """Placements by id, row-locked in id order (after their case plans)."""
    rows = await conn.fetch(
        "SELECT * FROM placement WHERE placement_id = ANY($1::uuid[]) ORDER BY placement_id"
        " FOR UPDATE",
        placement_ids,
    )
    return {r["placement_id"]: placement_of_row(r) for r in rows}


async def placement_hours_on_days(
    conn: Conn, days: list[tuple[UUID, date]]
) -> dict[tuple[UUID, date], Decimal]:
    """Hours already logged for each (placement, day) that has any."""
    rows = await conn.fetch(
        "SELECT h.placement_id, h.worked_on, sum(h.hours) AS hours FROM placement_hours h"
        " JOIN unnest($1::uuid[], $2::date[]) AS d(placement_id, worked_on)"
        " USING (placement_id, worked_on) GROUP BY h.placement_id, h.worked_on",
        [p for p, _ in days],
        [d for _, d in days],
    )
    return {(r["placement_id"], r["worked_on"]): Decimal(r["hours"]) for r in rows}


async def add_many_placement_hours(conn: Conn, logged: list[tuple[UUID, date, Decimal]]) -> None:
    """Log many (placement, day, hours) rows and add them to their placements' totals."""
    if not logged:
        return
    args = ([p for p, _, _ in logged], [d for _, d, _ in logged], [h for _, _, h in logged])
    await conn.execute(
        "INSERT INTO placement_hours (placement_id, worked_on, hours)"
        " SELECT * FROM unnest($1::uuid[], $2::date[], $3::numeric[])",
        *args,
    )
    await conn.execute(
        "UPDATE placement p SET hours_logged = p.hours_logged + s.hours FROM"
        " (SELECT id, sum(h) AS hours FROM unnest($1::uuid[], $2::numeric[]) AS r(id, h)"
        " GROUP BY id) s WHERE p.placement_id = s.id",
        args[0],
        args[2],
    )


async def record_attendance(conn: Conn, placement_id: UUID, day: date, present: bool) -> None:
    """Whether the participant came on one day (the latest record wins)."""
    await conn.execute(
        "INSERT INTO placement_attendance (placement_id, attended_on, present) VALUES ($1, $2, $3)"
        " ON CONFLICT (placement_id, attended_on) DO UPDATE SET present = $3",
        placement_id,
        day,
        present,
    )


async def attendance_of(conn: Conn, placement_id: UUID) -> dict[str, int]:
    """Days present and absent on a placement."""
    row = await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE present) AS present,"
        " count(*) FILTER (WHERE NOT present) AS absent"
        " FROM placement_attendance WHERE placement_id = $1",
        placement_id,
    )
    return {"days_present": int(row["present"]), "days_absent": int(row["absent"])}


async def save_placement_end(conn: Conn, p: Placement) -> None:
    """Write how a placement ended."""
    await conn.execute(
        "UPDATE placement SET status = $2, outcome = $3, ended_on = $4 WHERE placement_id = $1",
        p.placement_id,
        p.status.value,
        _opt(str, p.outcome),
        p.ended_on,
    )
