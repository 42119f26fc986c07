"""Relay → stream → consumer, duplicates, and a consumer that dies between commit and ack."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis
from messaging_probe import PROBE, SOURCE, commit_registration, effects, registered, running

from shared.events import streams
from shared.settings import Settings
from tests.support.polling import eventually

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


async def test_committed_event_is_delivered_once(probe_settings: Settings) -> None:
    s = probe_settings
    async with running(SOURCE, s), running(PROBE, s) as probe:
        events = [registered() for _ in range(5)]
        for event in events:
            await commit_registration(s.database_url, event)
        want = {e.payload.participant_id: 1 for e in events}
        got = await eventually(
            lambda: _when_equal(effects(s.database_url), want), what="five effects"
        )
        assert got == want
        # Acknowledged after the commit: nothing stays pending.
        await eventually(lambda: _no_pending(probe.redis, "probe"), what="all acknowledged")


async def test_duplicate_delivery_changes_nothing(probe_settings: Settings) -> None:
    s = probe_settings
    event = registered()
    body = event.model_dump_json()
    async with running(PROBE, s) as probe:
        assert probe.redis is not None
        await probe.redis.xadd(streams.INTAKE, {"__data__": body})
        await probe.redis.xadd(streams.INTAKE, {"__data__": body})
        duplicates = probe.metrics.events_consumed.labels(
            "probe", streams.INTAKE, event.type, "duplicate"
        )
        await eventually(
            lambda: _settled(probe.redis, duplicates, 1), what="the second copy skipped"
        )
    assert await effects(s.database_url) == {event.payload.participant_id: 1}


async def test_consumer_killed_between_commit_and_ack_causes_no_duplicate(
    probe_settings: Settings,
) -> None:
    s = probe_settings
    event = registered()
    client = aioredis.from_url(s.redis_url)
    try:
        await client.xgroup_create(streams.INTAKE, "probe", id="0", mkstream=True)
        await client.xadd(streams.INTAKE, {"__data__": event.model_dump_json()})
        # A consumer process reads the entry, commits its effect, then dies before XACK.
        doomed = await asyncio.create_subprocess_exec(
            sys.executable,
            str(HERE / "die_before_ack.py"),
            s.database_url,
            s.redis_url,
            env={**os.environ, "PYTHONPATH": f"{ROOT}:{HERE}"},
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await doomed.communicate()
        assert doomed.returncode == 17, err.decode()[-2000:]
        assert await effects(s.database_url) == {event.payload.participant_id: 1}
        pending = await client.xpending(streams.INTAKE, "probe")
        assert pending["pending"] == 1
        # A live consumer claims the dead one's entry after the idle time; the inbox drops it.
        async with running(PROBE, s) as probe:
            await eventually(
                lambda: _no_pending(client, "probe"), what="dead consumer's entry claimed"
            )
            duplicates = probe.metrics.events_consumed.labels(
                "probe", streams.INTAKE, event.type, "duplicate"
            )
            assert duplicates._value.get() == 1
        assert await effects(s.database_url) == {event.payload.participant_id: 1}
    finally:
        await client.aclose()


async def test_dead_consumers_pending_entries_are_claimed_in_batches(
    probe_settings: Settings,
) -> None:
    s = probe_settings.model_copy(update={"consumer_batch_size": 50})
    events = [registered() for _ in range(120)]
    client = aioredis.from_url(s.redis_url)
    try:
        await client.xgroup_create(streams.INTAKE, "probe", id="0", mkstream=True)
        for event in events:
            await client.xadd(streams.INTAKE, {"__data__": event.model_dump_json()})
        # A consumer that read everything and died: all 120 entries pending on it.
        await client.xreadgroup("probe", "ghost", {streams.INTAKE: ">"}, count=500)
        assert (await client.xpending(streams.INTAKE, "probe"))["pending"] == 120
        async with running(PROBE, s):
            await eventually(lambda: _no_pending(client, "probe"), what="ghost's entries claimed")
        want = {e.payload.participant_id: 1 for e in events}
        assert await effects(s.database_url) == want
        consumers = await client.xinfo_consumers(streams.INTAKE, "probe")
        ghost = next(c for c in consumers if c["name"] == b"ghost")
        assert ghost["pending"] == 0
    finally:
        await client.aclose()


async def _when_equal(check: object, want: object) -> object:
    got = await check  # type: ignore[misc]
    return got if got == want else None


async def _no_pending(client: aioredis.Redis | None, group: str) -> bool:
    assert client is not None
    return bool((await client.xpending(streams.INTAKE, group))["pending"] == 0)


async def _settled(client: aioredis.Redis | None, counter: Any, value: float) -> bool:
    """The counter reached `value` and nothing is left pending."""
    return counter._value.get() == value and await _no_pending(client, "probe")
