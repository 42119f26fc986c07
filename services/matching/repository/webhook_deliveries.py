"""SQL of the webhook deliveries: a queue table read by the sender job."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg

Row = Any  # asyncpg.Record
CHANNEL = "polku_matching_webhooks"
"""NOTIFY channel: deliveries were queued (sent at commit, so the sender sees them)."""


async def enqueue(
    conn: asyncpg.Connection, *, organisation_id: UUID, match_id: UUID, event_type: str, body: str
) -> UUID:
    """Queue one webhook body for an organisation, in the caller's transaction (and wake the
    senders at its commit)."""
    delivery_id = uuid4()
    await conn.execute(
        "INSERT INTO webhook_delivery (delivery_id, organisation_id, match_id, event_type, body)"
        " VALUES ($1, $2, $3, $4, $5)",
        delivery_id,
        organisation_id,
        match_id,
        event_type,
        body,
    )
    await conn.execute("SELECT pg_notify($1, '')", CHANNEL)
    return delivery_id


async def claim_due(pool: asyncpg.Pool, *, limit: int, lease_s: float) -> list[Row]:
    """Take due deliveries for this sender: pushes their next attempt past a lease."""
    return await pool.fetch(
        "UPDATE webhook_delivery d SET next_attempt_at = now() + make_interval(secs => $2),"
        " attempts = d.attempts + 1"
        " FROM organisation o WHERE o.organisation_id = d.organisation_id"
        " AND d.delivery_id IN (SELECT delivery_id FROM webhook_delivery"
        "   WHERE status = 'pending' AND next_attempt_at <= now()"
        "   ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)"
        " RETURNING d.*, o.webhook_url, o.webhook_secret",
        limit,
        lease_s,
    )


async def next_due_in_s(pool: asyncpg.Pool) -> float | None:
    """Seconds until the next pending delivery falls due (claimed ones count from their
    lease's end); None when nothing is pending."""
    value = await pool.fetchval(
        "SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM webhook_delivery"
        " WHERE status = 'pending'"
    )
    return None if value is None else float(value)


async def mark_delivered_many(pool: asyncpg.Pool, delivery_ids: list[UUID]) -> None:
    """Receivers answered 2xx to these."""
    await pool.execute(
        "UPDATE webhook_delivery SET status = 'delivered', delivered_at = now(), last_error = NULL"
        " WHERE delivery_id = ANY($1::uuid[])",
        delivery_ids,
    )


async def mark_failed(
    pool: asyncpg.Pool, delivery_id: UUID, *, error: str, retry_in_s: float | None
) -> None:
    """A failed attempt: retry later, or dead (no `retry_in_s`)."""
    await pool.execute(
        "UPDATE webhook_delivery SET last_error = $2,"
        " status = CASE WHEN $3::float8 IS NULL THEN 'dead' ELSE 'pending' END,"
        " next_attempt_at = now() + make_interval(secs => coalesce($3::float8, 0))"
        " WHERE delivery_id = $1",
        delivery_id,
        error[:2000],
        retry_in_s,
    )


async def deliveries_of(pool: asyncpg.Pool, organisation_id: UUID) -> list[Row]:
    """Every delivery to one organisation, oldest first."""
    return await pool.fetch(
        "SELECT * FROM webhook_delivery WHERE organisation_id = $1 ORDER BY created_at",
        organisation_id,
    )


async def drop_pending(conn: asyncpg.Connection, organisation_id: UUID) -> int:
    """Forget an organisation's deliveries not yet made (its webhook is off); how many."""
    dropped = await conn.fetch(
        "DELETE FROM webhook_delivery WHERE organisation_id = $1 AND status = 'pending'"
        " RETURNING delivery_id",
        organisation_id,
    )
    return len(dropped)
