"""Erasure's sweep: a participant's published events leave the outbox and their stream only
once every consumer group has read and acknowledged them; other people's events stay."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis
from messaging_probe import registered

from shared import erasure, outbox
from shared.db import create_pool
from shared.events import streams
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay
from shared.settings import Settings


async def _ids(client: aioredis.Redis) -> list[bytes]:
    rows: Any = await client.xrange(streams.INTAKE)
    return [eid for eid, _ in rows]


async def test_events_are_forgotten_once_every_group_settled_them(probe_settings: Settings) -> None:
    s = probe_settings
    pool = await create_pool(s.database_url, schema="probesource", min_size=1, max_size=2)
    client = aioredis.from_url(s.redis_url)
    erased, other = registered(), registered()
    pid = erased.payload.participant_id
    try:
        for group in ("fast", "slow"):
            await client.xgroup_create(streams.INTAKE, group, id="0", mkstream=True)
        async with pool.acquire() as conn:
            await outbox.record(conn, [erased, other])
        relay = OutboxRelay(
            pool=pool, redis=client, schema="probesource", settings=s, metrics=ServiceMetrics("t")
        )
        assert await relay.publish_batch() == 2
        first, second = await _ids(client)
        await client.xreadgroup("fast", "c", {streams.INTAKE: ">"})
        await client.xack(streams.INTAKE, "fast", first, second)
        async with pool.acquire() as conn:
            assert await erasure.forget_events(conn, pid) == 1

        assert await erasure.forget_settled(pool, client) == 0  # "slow" has not read it
        await client.xreadgroup("slow", "c", {streams.INTAKE: ">"})
        assert await erasure.forget_settled(pool, client) == 0  # read, not acknowledged
        assert await _ids(client) == [first, second]
        await client.xack(streams.INTAKE, "slow", first, second)
        assert await erasure.forget_settled(pool, client) == 1

        assert await _ids(client) == [second]  # the other person's event stays
        async with pool.acquire() as conn:
            left = await conn.fetch("SELECT event_id FROM outbox")
            assert [r["event_id"] for r in left] == [other.event_id]
            assert await conn.fetchval("SELECT count(*) FROM outbox_forget") == 0
    finally:
        await client.aclose()
        await pool.close()
