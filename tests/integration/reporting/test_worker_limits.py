"""Each support worker's own caseload limit in the read model: the latest assignment's limit
wins whatever order the events arrive in, and an older event without one changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.reporting.projection import apply_events
from services.reporting.repository import queries
from shared.db import create_pool
from shared.events import Envelope, new_event
from shared.events import caseplan as cp


@pytest.fixture
async def pool(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(migrated_database_url, schema="reporting")
    try:
        yield p
    finally:
        await p.close()


def assigned(worker: UUID, on: date, limit: int | None) -> Envelope[Any]:
    payload = cp.CaseplanWorkerAssigned(
        participant_id=uuid4(), case_plan_id=uuid4(), support_worker_id=worker,
        assigned_on=on, caseload_limit=limit,
    )  # fmt: skip
    return new_event(payload, producer="test")


@pytest.mark.parametrize("order", [(0, 1, 2), (2, 1, 0), (1, 2, 0)])
async def test_the_latest_assignment_gives_the_workers_limit(
    pool: asyncpg.Pool, order: tuple[int, ...]
) -> None:
    worker, other = uuid4(), uuid4()
    events = [
        assigned(worker, date(2025, 1, 5), 25),
        assigned(worker, date(2025, 3, 1), 10),  # the worker's limit was lowered
        assigned(worker, date(2025, 4, 1), None),  # an older caseplan: no limit carried
    ]
    async with pool.acquire() as conn:
        for i in order:
            async with conn.transaction():
                await apply_events(conn, [events[i]])
        async with conn.transaction():
            await apply_events(conn, [assigned(other, date(2025, 1, 1), None)])
        limits = await queries.worker_limits(conn)
    assert limits == {str(worker): 10}  # `other` falls back to the setting in the report
