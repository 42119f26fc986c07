"""Running a use case from the API: one transaction holding the change and its events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from datetime import date as date_type
from typing import TypeVar

import asyncpg
from fastapi import HTTPException

from services.caseplan.domain.refusal import Refusal
from shared import outbox
from shared.events.envelope import Payload, new_event

PRODUCER = "caseplan"
T = TypeVar("T")


def today() -> date_type:
    """Today's date in UTC."""
    return datetime.now(UTC).date()


async def run(
    pool: asyncpg.Pool,
    use_case: Callable[[asyncpg.Connection], Awaitable[tuple[T, list[Payload]]]],
) -> T:
    """Apply a use case and record its events in one transaction; refusals become 4xx."""
    try:
        async with pool.acquire() as conn, conn.transaction():
            result, payloads = await use_case(conn)
            await outbox.record(conn, [new_event(p, producer=PRODUCER) for p in payloads])
    except Refusal as refusal:
        raise HTTPException(refusal.status, detail=refusal.detail()) from refusal
    return result


async def read(pool: asyncpg.Pool, query: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """Run a read-only query; refusals (e.g. not found) become 4xx."""
    try:
        async with pool.acquire() as conn:
            return await query(conn)
    except Refusal as refusal:
        raise HTTPException(refusal.status, detail=refusal.detail()) from refusal
