"""Running a use case from the API: one transaction holding the change and its events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import TypeVar

import asyncpg

from shared import outbox
from shared.events.envelope import Payload, new_event

PRODUCER = "caseplan"
T = TypeVar("T")


def today() -> date:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


async def run(
    pool: asyncpg.Pool,
    use_case: Callable[[asyncpg.Connection], Awaitable[tuple[T, list[Payload]]]],
) -> T:
    """Apply a use case and record its events in one transaction (a refusal rolls it back)."""
    async with pool.acquire() as conn, conn.transaction():
        result, payloads = await use_case(conn)
        await outbox.record(conn, [new_event(p, producer=PRODUCER) for p in payloads])
    return result


async def read(pool: asyncpg.Pool, query: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run a read-only query on a pooled connection."""
    async with pool.acquire() as conn:
        return await query(conn)
