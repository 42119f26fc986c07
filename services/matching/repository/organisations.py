"""SQL of organisations beyond their registration: edits, the webhook secret, the network of
central and satellite workshops, and who owns an opening."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

Row = Any  # asyncpg.Record (or None where a single row may be missing)

EDITABLE = ("name", "municipality", "lat", "lon", "webhook_url", "central_workshop_id")


async def update_organisation(
    conn: asyncpg.Connection, organisation_id: UUID, fields: dict[str, Any]
) -> Row:
    """Change these columns of an organisation; returns its new row (None if unknown)."""
    assert fields and set(fields) <= set(EDITABLE)
    names = sorted(fields)
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(names, start=2))
    return await conn.fetchrow(
        f"UPDATE organisation SET {sets}, updated_at = now() WHERE organisation_id = $1"
        " RETURNING *",
        organisation_id,
        *(fields[c] for c in names),
    )


async def lock_organisation(conn: asyncpg.Connection, organisation_id: UUID) -> Row:
    """One organisation, locked for an edit (None if unknown)."""
    return await conn.fetchrow(
        "SELECT * FROM organisation WHERE organisation_id = $1 FOR UPDATE", organisation_id
    )


async def set_secret(conn: asyncpg.Connection, organisation_id: UUID, sealed: str) -> bool:
    """Store a new (sealed) webhook signing secret; False if the organisation is unknown."""
    done = await conn.execute(
        "UPDATE organisation SET webhook_secret = $2, updated_at = now()"
        " WHERE organisation_id = $1",
        organisation_id,
        sealed,
    )
    return bool(done != "UPDATE 0")


async def has_satellites(conn: asyncpg.Connection, organisation_id: UUID) -> bool:
    """Whether any organisation belongs to this one."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM organisation WHERE central_workshop_id = $1)",
            organisation_id,
        )
    )


async def network_of(conn: asyncpg.Connection | asyncpg.Pool, organisation_id: UUID) -> Row:
    """An organisation's id, kind and central workshop (None if unknown)."""
    return await conn.fetchrow(
        "SELECT organisation_id, kind, central_workshop_id FROM organisation"
        " WHERE organisation_id = $1",
        organisation_id,
    )


async def owner_of_opening(conn: asyncpg.Connection | asyncpg.Pool, opening_id: UUID) -> Row:
    """The id, kind and central workshop of an opening's organisation (None if unknown)."""
    return await conn.fetchrow(
        "SELECT g.organisation_id, g.kind, g.central_workshop_id FROM opening o"
        " JOIN organisation g USING (organisation_id) WHERE o.opening_id = $1",
        opening_id,
    )


async def touch_openings(conn: asyncpg.Connection, organisation_id: UUID) -> None:
    """Rewrite an organisation's open openings' rows unchanged (a new `changed_xid`), so every
    replica's catalog reads them again: their organisation's webhook was turned on or off."""
    await conn.execute(
        "UPDATE opening SET updated_at = updated_at WHERE organisation_id = $1 AND status = 'open'",
        organisation_id,
    )
