"""Storage reads behind the scope checks: whose a case plan, placement or worker is."""

from __future__ import annotations

from typing import TypeAlias
from uuid import UUID

import asyncpg

Conn: TypeAlias = asyncpg.Connection

_PLAN_COLUMNS = (
    "SELECT c.case_plan_id, c.participant_id, c.municipality, c.organisation_id,"
    " w.organisation_id AS worker_organisation"
)
_PLAN = f"{_PLAN_COLUMNS} FROM case_plan c LEFT JOIN support_worker w USING (support_worker_id)"


async def plan_scope(
    conn: Conn, *, participant_id: UUID | None = None, case_plan_id: UUID | None = None
) -> asyncpg.Record | None:
    """A case plan's owners (by participant or by plan), or None."""
    column = "c.participant_id" if participant_id is not None else "c.case_plan_id"
    return await conn.fetchrow(f"{_PLAN} WHERE {column} = $1", participant_id or case_plan_id)


async def plan_scopes(conn: Conn, case_plan_ids: list[UUID]) -> list[asyncpg.Record]:
    """The owners of each of these case plans that exists."""
    return await conn.fetch(f"{_PLAN} WHERE c.case_plan_id = ANY($1::uuid[])", case_plan_ids)


async def placement_scope(conn: Conn, placement_id: UUID) -> asyncpg.Record | None:
    """A placement's case plan owners and its own organisation (`owner`), or None."""
    return await conn.fetchrow(
        f"{_PLAN_COLUMNS}, p.organisation_id AS owner FROM case_plan c"
        " LEFT JOIN support_worker w USING (support_worker_id)"
        " JOIN placement p USING (case_plan_id) WHERE p.placement_id = $1",
        placement_id,
    )


async def placement_scopes(conn: Conn, placement_ids: list[UUID]) -> list[asyncpg.Record]:
    """`placement_scope` of many placements (with each one's id)."""
    return await conn.fetch(
        f"{_PLAN_COLUMNS}, p.placement_id, p.organisation_id AS owner FROM case_plan c"
        " LEFT JOIN support_worker w USING (support_worker_id)"
        " JOIN placement p USING (case_plan_id) WHERE p.placement_id = ANY($1::uuid[])",
        placement_ids,
    )


async def meeting_scope(conn: Conn, meeting_id: UUID) -> asyncpg.Record | None:
    """A meeting's organisation and its participant (None for a team meeting)."""
    return await conn.fetchrow(
        "SELECT m.organisation_id, c.participant_id FROM meeting m"
        " LEFT JOIN case_plan c USING (case_plan_id) WHERE m.meeting_id = $1",
        meeting_id,
    )


async def worker_scope(conn: Conn, support_worker_id: UUID) -> asyncpg.Record | None:
    """The worker's organisation (`organisation_id`), or None for no such worker."""
    return await conn.fetchrow(
        "SELECT organisation_id FROM support_worker WHERE support_worker_id = $1",
        support_worker_id,
    )


async def served_municipalities(conn: Conn, organisation_id: UUID | None) -> set[str]:
    """Municipalities an organisation serves by a live service agreement."""
    rows = await conn.fetch(
        "SELECT municipality AS m FROM service_agreement"
        " WHERE organisation_id = $1 AND ended_at IS NULL",
        organisation_id,
    )
    return {r["m"] for r in rows}
