"""The claim loop's pace (a fake Redis counting XAUTOCLAIMs, no servers): a pass that found
nothing waits the claim idle time, not the claim interval; an entry this process left
pending after a failed attempt is claimed as soon as it is idle long enough; stop ends the
wait at once."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from shared.messaging.claimer import Claimer
from shared.messaging.connections import Connections
from shared.outage import OutageLog
from shared.settings import Settings


class CountingRedis:
    """Answers XAUTOCLAIM with nothing pending, noting when each came."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def xautoclaim(self, *_args: Any, **_kw: Any) -> list[Any]:
        self.calls.append(time.monotonic())
        return [b"0-0", [], []]


async def _nothing(*_args: Any) -> Any:
    return []


def _claimer(redis: CountingRedis, conn: Connections, **timings: int) -> Claimer:
    conn.redis = redis  # type: ignore[assignment]
    return Claimer(
        conn,
        group="g",
        consumer="c",
        settings=Settings(**timings),  # type: ignore[arg-type]
        outage=OutageLog(logging.getLogger("test"), "claim loop"),
        streams=lambda: ["s"],
        process=_nothing,
        ack=_nothing,
        ensure_groups=_nothing,
    )


async def test_an_idle_pass_waits_the_claim_idle_time() -> None:
    redis, conn = CountingRedis(), Connections()
    loop = asyncio.ensure_future(
        _claimer(redis, conn, claim_interval_ms=20, claim_idle_ms=400).claim_loop()
    )
    await asyncio.sleep(1.0)
    conn.stop()
    await asyncio.wait_for(loop, 1)
    # With the interval it would have looked ~50 times; with the idle time 2-3 times.
    assert 2 <= len(redis.calls) <= 3, redis.calls
    gaps = [b - a for a, b in zip(redis.calls, redis.calls[1:], strict=False)]
    assert all(gap >= 0.39 for gap in gaps), gaps


async def test_a_failed_attempt_is_claimed_when_it_is_idle_enough() -> None:
    redis, conn = CountingRedis(), Connections()
    loop = asyncio.ensure_future(
        _claimer(redis, conn, claim_interval_ms=20, claim_idle_ms=5000).claim_loop()
    )
    await asyncio.sleep(0.1)
    assert len(redis.calls) == 1  # the first pass; the next due in 5 s
    failed_at = time.monotonic()
    conn.retry_after(0.2)  # what FailedAttempts.record says when an entry stays pending
    await asyncio.sleep(0.5)
    assert len(redis.calls) == 2, redis.calls
    assert 0.2 <= redis.calls[1] - failed_at < 0.4
    assert conn.retry_at is None  # done with: the loop is back to its idle pace
    started = time.monotonic()
    conn.stop()
    await asyncio.wait_for(loop, 1)
    assert time.monotonic() - started < 0.2
    assert len(redis.calls) == 2
