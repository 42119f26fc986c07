"""Runtime.stop lets the batch in hand finish, commit and be acknowledged, by either path."""

from __future__ import annotations

import asyncio

import messaging_probe
import redis.asyncio as aioredis
from messaging_probe import PROBE, effects, registered

from shared.events import streams
from shared.runtime import Runtime
from shared.settings import Settings


async def _stop_mid_handler(s: Settings, *, claimed: bool) -> None:
    messaging_probe.SLOW_HANDLER_STARTED = asyncio.Event()
    slow = registered("slow town")
    client = aioredis.from_url(s.redis_url)
    try:
        await client.xgroup_create(streams.INTAKE, "probe", id="0", mkstream=True)
        await client.xadd(streams.INTAKE, {"__data__": slow.model_dump_json()})
        if claimed:  # read by a consumer that died: only the claim loop can take it
            await client.xreadgroup("probe", "ghost", {streams.INTAKE: ">"}, count=10)
        runtime = Runtime(PROBE, s)
        await runtime.start()
        try:
            await asyncio.wait_for(messaging_probe.SLOW_HANDLER_STARTED.wait(), 15)
        finally:
            await runtime.stop()
        assert await effects(s.database_url) == {slow.payload.participant_id: 1}
        assert (await client.xpending(streams.INTAKE, "probe"))["pending"] == 0
    finally:
        await client.aclose()


async def test_stop_finishes_and_acknowledges_the_batch_the_subscriber_holds(
    probe_settings: Settings,
) -> None:
    await _stop_mid_handler(probe_settings, claimed=False)


async def test_stop_finishes_and_acknowledges_the_batch_the_claim_loop_holds(
    probe_settings: Settings,
) -> None:
    await _stop_mid_handler(probe_settings, claimed=True)


async def test_stop_settles_what_was_delivered_to_this_consumer_but_not_handed_over(
    probe_settings: Settings,
) -> None:
    """A read that returns after its subscriber was told to stop is dropped by FastStream:
    its entries stay pending under this consumer unless the stop settles them itself."""
    s = probe_settings.model_copy(update={"claim_idle_ms": 600_000})  # no claim loop help
    events = [registered() for _ in range(3)]
    client = aioredis.from_url(s.redis_url)
    try:
        runtime = Runtime(PROBE, s)
        await runtime.start()
        try:
            await runtime._stop_reading()  # the subscribers read nothing more
            for event in events:
                await client.xadd(streams.INTAKE, {"__data__": event.model_dump_json()})
            # Delivered to this very consumer, as the cut-off read was.
            await client.xreadgroup(
                "probe", runtime.consumer.consumer, {streams.INTAKE: ">"}, count=10
            )
            assert (await client.xpending(streams.INTAKE, "probe"))["pending"] == 3
        finally:
            await runtime.stop()
        assert await effects(s.database_url) == {e.payload.participant_id: 1 for e in events}
        assert (await client.xpending(streams.INTAKE, "probe"))["pending"] == 0
    finally:
        await client.aclose()
