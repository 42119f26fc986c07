"""SQL of organisations and openings."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

Row = Any  # asyncpg.Record (or None where a single row may be missing)


async def insert_organisation(conn: asyncpg.Connection, **o: Any) -> None:
    """Register an organisation."""
    await conn.execute(
        "INSERT INTO organisation (organisation_id, name, kind, municipality, lat, lon,"
        " webhook_url, webhook_secret, central_workshop_id)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        *(o.get(k) for k in ORGANISATION_COLUMNS),
    )


ORGANISATION_COLUMNS = (
    "organisation_id",
    "name",
    "kind",
    "municipality",
    "lat",
    "lon",
    "webhook_url",
    "webhook_secret",
    "central_workshop_id",
)


async def set_webhook(
    conn: asyncpg.Connection, org_id: UUID, url: str | None, sealed_secret: str | None
) -> bool:
    """Change an organisation's webhook URL (and secret, when one is given); False if unknown."""
    done = await conn.execute(
        "UPDATE organisation SET webhook_url = $2,"
        " webhook_secret = coalesce($3, webhook_secret) WHERE organisation_id = $1",
        org_id,
        url,
        sealed_secret,
    )
    return bool(done != "UPDATE 0")


async def fetch_organisation(conn: asyncpg.Connection | asyncpg.Pool, org_id: UUID) -> Row:
    """One organisation, or None."""
    return await conn.fetchrow("SELECT * FROM organisation WHERE organisation_id = $1", org_id)


OPENING_COLUMNS = (
    "opening_id",
    "organisation_id",
    "title",
    "kind",
    "seats",
    "lat",
    "lon",
    "grid_cell",
    "remote",
    "required_skills",
    "nice_skills",
    "languages",
    "hours_min",
    "hours_max",
    "accessibility",
    "eligible_groups",
    "tags",
    "starts_on",
    "ends_on",
    "low_threshold",
    "description",
    "paused",
    "schedule",
)

_COUNTS = (
    "(SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'accepted') AS accepted,"
    " (SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'proposed') AS live"
)


async def save_opening(conn: asyncpg.Connection, o: dict[str, Any]) -> None:
    """Insert an opening, or replace its fields."""
    cols = ", ".join(OPENING_COLUMNS)
    params = ", ".join(
        f"${i}::jsonb" if c == "schedule" else f"${i}"
        for i, c in enumerate(OPENING_COLUMNS, start=1)
    )
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in OPENING_COLUMNS[2:])
    await conn.execute(
        f"INSERT INTO opening ({cols}) VALUES ({params}) ON CONFLICT (opening_id)"
        f" DO UPDATE SET {updates}, updated_at = now()",
        *(o[c] for c in OPENING_COLUMNS),
    )


async def save_programme(conn: asyncpg.Connection, opening_id: UUID, groups: list[str]) -> None:
    """Aim an opening's programme at these groups (set by the network only)."""
    await conn.execute(
        "UPDATE opening SET programme_groups = $2, updated_at = now() WHERE opening_id = $1",
        opening_id,
        groups,
    )


async def close_opening(conn: asyncpg.Connection, opening_id: UUID) -> None:
    """Close an opening: it takes no more matches."""
    await conn.execute(
        "UPDATE opening SET status = 'closed', updated_at = now() WHERE opening_id = $1",
        opening_id,
    )


async def opening_owner(conn: asyncpg.Connection | asyncpg.Pool, opening_id: UUID) -> UUID | None:
    """The organisation an opening belongs to, or None for no such opening."""
    owner: UUID | None = await conn.fetchval(
        "SELECT organisation_id FROM opening WHERE opening_id = $1", opening_id
    )
    return owner


async def fetch_opening(
    conn: asyncpg.Connection | asyncpg.Pool, opening_id: UUID, *, lock: bool = False
) -> Row:
    """One opening with its accepted and live proposal counts; FOR UPDATE when `lock`."""
    if lock:
        await conn.execute("SELECT 1 FROM opening WHERE opening_id = $1 FOR UPDATE", opening_id)
    return await conn.fetchrow(
        f"SELECT o.*, {_COUNTS} FROM opening o WHERE o.opening_id = $1", opening_id
    )


_SNAPSHOT = (
    "(SELECT pg_snapshot_xmax(s)::text AS xmax,"
    " ARRAY(SELECT x::text FROM pg_snapshot_xip(s) x) AS xip, current_date AS today"
    " FROM pg_current_snapshot() s) AS snap"
)
_CATALOG_ROWS = "(opening o JOIN organisation g USING (organisation_id))"
_CATALOG_COLUMNS = (
    "snap.*, o.*, o.changed_xid::text AS changed, g.webhook_url IS NOT NULL AS notifies"
)


async def openings_changed(
    conn: asyncpg.Connection, seen: tuple[str, list[str]] | None
) -> list[Row]:
    """Opening rows written by transactions the snapshot `seen` (its xmax and in-progress
    ids) did not show, or every open opening when `seen` is None; each row also carries this
    statement's snapshot (`xmax`, `xip`) and `today`, and one row with only those comes back
    when nothing changed."""
    if seen is None:
        return await conn.fetch(
            f"SELECT {_CATALOG_COLUMNS} FROM {_SNAPSHOT}"
            f" LEFT JOIN {_CATALOG_ROWS} ON o.status = 'open'"
        )
    return await conn.fetch(
        f"SELECT {_CATALOG_COLUMNS} FROM {_SNAPSHOT} LEFT JOIN {_CATALOG_ROWS}"
        " ON o.changed_xid >= $1::text::xid8 OR o.changed_xid = ANY($2::text[]::xid8[])",
        *seen,
    )


async def opening_loads(conn: asyncpg.Connection, opening_ids: list[UUID]) -> list[Row]:
    """Accepted and live proposal counts of these openings (those with any)."""
    return await conn.fetch(
        "SELECT opening_id, count(*) FILTER (WHERE status = 'accepted') AS accepted,"
        " count(*) FILTER (WHERE status = 'proposed') AS live FROM match"
        " WHERE opening_id = ANY($1::uuid[]) AND status IN ('accepted', 'proposed')"
        " GROUP BY opening_id",
        opening_ids,
    )


async def open_openings(conn: asyncpg.Connection | asyncpg.Pool) -> list[Row]:
    """Every open opening with its accepted and live proposal counts."""
    return await conn.fetch(f"SELECT o.*, {_COUNTS} FROM opening o WHERE o.status = 'open'")
