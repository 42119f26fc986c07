"""Storage of the workshop network as matching tells it, and a workshop's placements list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.placements import Placement
from services.caseplan.repository.work import placement_of_row

Conn: TypeAlias = asyncpg.Connection


async def save_organisation(
    conn: Conn, organisation_id: UUID, central_workshop_id: UUID | None, at: datetime
) -> None:
    """An organisation's central workshop as of `at` (an older event changes nothing)."""
    await conn.execute(
        "INSERT INTO organisation_network (organisation_id, central_workshop_id, updated_at)"
        " VALUES ($1, $2, $3) ON CONFLICT (organisation_id) DO UPDATE"
        " SET central_workshop_id = EXCLUDED.central_workshop_id,"
        " updated_at = EXCLUDED.updated_at"
        " WHERE organisation_network.updated_at <= EXCLUDED.updated_at",
        organisation_id,
        central_workshop_id,
        at,
    )


async def satellites_of(conn: Conn, organisation_id: UUID) -> list[UUID]:
    """The satellite workshops that belong to this central workshop (none for any other)."""
    rows = await conn.fetch(
        "SELECT organisation_id FROM organisation_network WHERE central_workshop_id = $1"
        " ORDER BY organisation_id",
        organisation_id,
    )
    return [r["organisation_id"] for r in rows]


async def placements_at(
    conn: Conn,
    organisation_ids: list[UUID],
    *,
    status: str | None,
    before: UUID | None,
    limit: int,
) -> list[tuple[Placement, str | None]]:
    """These organisations' placements, newest first (ids below `before`), each with its
    participant's support worker's contact (None when no worker is assigned)."""
    rows = await conn.fetch(
        "SELECT p.*, w.contact FROM placement p JOIN case_plan c USING (case_plan_id)"
        " LEFT JOIN support_worker w ON w.support_worker_id = c.support_worker_id"
        " WHERE p.organisation_id = ANY($1::uuid[]) AND ($2::text IS NULL OR p.status = $2)"
        " AND ($3::uuid IS NULL OR p.placement_id < $3)"
        " ORDER BY p.placement_id DESC LIMIT $4",
        organisation_ids,
        status,
        before,
        limit,
    )
    return [(placement_of_row(r), r["contact"]) for r in rows]


async def week_of_placements(
    conn: Conn, placement_ids: list[UUID], first: date, last: date
) -> tuple[dict[tuple[UUID, date], Decimal], dict[tuple[UUID, date], bool]]:
    """Hours logged and attendance recorded per (placement, day) between `first` and `last`."""
    hours = await conn.fetch(
        "SELECT placement_id, worked_on, sum(hours) AS hours FROM placement_hours"
        " WHERE placement_id = ANY($1::uuid[]) AND worked_on BETWEEN $2 AND $3"
        " GROUP BY placement_id, worked_on",
        placement_ids,
        first,
        last,
    )
    present = await conn.fetch(
        "SELECT placement_id, attended_on, present FROM placement_attendance"
        " WHERE placement_id = ANY($1::uuid[]) AND attended_on BETWEEN $2 AND $3",
        placement_ids,
        first,
        last,
    )
    return (
        {(r["placement_id"], r["worked_on"]): Decimal(r["hours"]) for r in hours},
        {(r["placement_id"], r["attended_on"]): bool(r["present"]) for r in present},
    )
