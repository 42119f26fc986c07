"""Run as a process: read one entry as consumer "probe", commit its effect, die before XACK."""

from __future__ import annotations

import asyncio
import os
import sys

import redis.asyncio as aioredis
from messaging_probe import PROBE

from shared.db import create_pool
from shared.events import streams
from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.settings import Settings


async def main(dsn: str, redis_url: str) -> None:
    """Process one entry, then exit with code 17 instead of acknowledging it."""
    settings = Settings(database_url=dsn, redis_url=redis_url)
    consumer = EventConsumer(service="probe", settings=settings, metrics=ServiceMetrics("probe"))
    assert PROBE.register_handlers is not None
    PROBE.register_handlers(consumer)
    consumer.pool = await create_pool(dsn, schema="probe")
    consumer.redis = aioredis.from_url(redis_url)

    async def die(stream: str, ids: list[bytes]) -> None:
        os._exit(17)

    consumer._ack = die  # type: ignore[method-assign]
    rows = await consumer.redis.xreadgroup("probe", "doomed", {streams.INTAKE: ">"}, count=10)
    for stream, entries in rows:
        await consumer.process(stream.decode(), entries)
    os._exit(3)  # never reached when an entry was processed


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
