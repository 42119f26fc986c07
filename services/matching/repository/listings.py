"""SQL of the paged lists: organisations, openings and placements, a page at a time (in id
order after a cursor), limited to what one reader may see."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

Row = Any  # asyncpg.Record

_VISIBLE = "($1::uuid IS NULL OR g.organisation_id = $1 OR g.central_workshop_id = $1)"
"""The organisation of the row is the reader's own or one of its satellites (NULL: all)."""


async def organisations_page(
    conn: asyncpg.Pool, *, reader: UUID | None, after: UUID | None, limit: int
) -> list[Row]:
    """Organisations the reader sees (None: every one), in id order after `after`."""
    return await conn.fetch(
        f"SELECT g.* FROM organisation g WHERE {_VISIBLE}"
        " AND ($2::uuid IS NULL OR g.organisation_id > $2) ORDER BY g.organisation_id LIMIT $3",
        reader,
        after,
        limit,
    )


_COUNTED = (
    "(SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'accepted') AS accepted,"
    " (SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'proposed') AS live"
)


async def openings_page(
    conn: asyncpg.Pool,
    *,
    reader: UUID | None,
    organisation_id: UUID | None,
    status: str | None,
    after: UUID | None,
    limit: int,
) -> list[Row]:
    """Openings the reader sees (of one organisation, or all), with their counts."""
    return await conn.fetch(
        f"SELECT o.*, {_COUNTED} FROM opening o JOIN organisation g USING (organisation_id)"
        f" WHERE {_VISIBLE} AND ($2::uuid IS NULL OR o.organisation_id = $2)"
        " AND ($3::text IS NULL OR o.status = $3)"
        " AND ($4::uuid IS NULL OR o.opening_id > $4) ORDER BY o.opening_id LIMIT $5",
        reader,
        organisation_id,
        status,
        after,
        limit,
    )


async def placements_page(
    conn: asyncpg.Pool, *, organisation_id: UUID, ended: bool | None, after: UUID | None, limit: int
) -> list[Row]:
    """An organisation's placements (ongoing, ended or both) with their openings' titles."""
    return await conn.fetch(
        "SELECT p.*, o.title AS opening_title FROM placement p"
        " LEFT JOIN opening o ON o.opening_id = p.opening_id"
        " WHERE p.organisation_id = $1"
        " AND ($2::boolean IS NULL OR (p.ended_on IS NOT NULL) = $2)"
        " AND ($3::uuid IS NULL OR p.placement_id > $3) ORDER BY p.placement_id LIMIT $4",
        organisation_id,
        ended,
        after,
        limit,
    )
