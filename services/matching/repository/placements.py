"""SQL of the placements matching knows from caseplan's events (commutative upserts: a
placement's end may arrive before its start). No participant id is kept."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg


async def record_started(
    conn: asyncpg.Connection,
    *,
    placement_id: UUID,
    organisation_id: UUID,
    opening_id: UUID | None,
    match_id: UUID | None,
    starts_on: date,
    hours_per_week: float,
) -> None:
    """A placement started (again: the same values)."""
    await conn.execute(
        "INSERT INTO placement (placement_id, organisation_id, opening_id, match_id, starts_on,"
        " hours_per_week) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (placement_id) DO UPDATE"
        " SET opening_id = coalesce(EXCLUDED.opening_id, placement.opening_id),"
        " match_id = EXCLUDED.match_id, starts_on = EXCLUDED.starts_on,"
        " hours_per_week = EXCLUDED.hours_per_week, updated_at = now()",
        placement_id,
        organisation_id,
        opening_id,
        match_id,
        starts_on,
        hours_per_week,
    )


async def record_ended(
    conn: asyncpg.Connection,
    *,
    placement_id: UUID,
    organisation_id: UUID,
    opening_id: UUID | None,
    ended_on: date,
    outcome: str,
) -> None:
    """A placement ended with an outcome."""
    await conn.execute(
        "INSERT INTO placement (placement_id, organisation_id, opening_id, ended_on, outcome)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (placement_id) DO UPDATE"
        " SET opening_id = coalesce(placement.opening_id, EXCLUDED.opening_id),"
        " ended_on = EXCLUDED.ended_on, outcome = EXCLUDED.outcome, updated_at = now()",
        placement_id,
        organisation_id,
        opening_id,
        ended_on,
        outcome,
    )
