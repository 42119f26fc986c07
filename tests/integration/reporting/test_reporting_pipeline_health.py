"""Pipeline health against a real Redis: lag and pending per stream and group, dead letters."""

from __future__ import annotations

import redis.asyncio as aioredis

from services.reporting.pipeline import counted_lag, dead_letter_count, stream_rows
from shared.events import streams


async def test_lag_pending_and_dead_letters(redis_url: str) -> None:
    client = aioredis.from_url(redis_url)
    try:
        await client.xgroup_create(streams.INTAKE, "caseplan", id="0", mkstream=True)
        for n in range(5):
            await client.xadd(streams.INTAKE, {"__data__": f"{n}"})
        await client.xreadgroup("caseplan", "c1", {streams.INTAKE: ">"}, count=2)
        await client.xadd(streams.DEAD_LETTER, {"reason": "poison"})
        rows = await stream_rows(client)
        assert rows == [
            {"stream": streams.INTAKE, "group": "caseplan", "length": 5, "lag": 3, "pending": 2}
        ]
        first: list = await client.xrange(streams.INTAKE, count=1)  # type: ignore[type-arg]
        assert await counted_lag(client, streams.INTAKE, first[0][0].decode()) == 4
        assert await dead_letter_count(client) == 1
    finally:
        await client.aclose()
