"""Fault 7: SIGTERM lets in-flight work finish and be acknowledged; nothing is half-done."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from typing import Any

import asyncpg
import redis
from conftest import BackgroundLoad, assert_end_state

from shared.events import streams
from tests.support import Stack


def test_sigterm_mid_load_finishes_in_flight_work_and_acknowledges_it(
    stack: Stack, migrated_database_url: str, redis_url: str
) -> None:
    load = BackgroundLoad(stack["intake"].url, migrated_database_url).start()
    load.wait_sent(0.3)
    caseplan, intake = stack["caseplan"], stack["intake"]
    assert caseplan.proc is not None and intake.proc is not None
    caseplan_pid = caseplan.proc.pid
    for sp in (caseplan, intake):
        # uvicorn re-raises SIGTERM after a clean shutdown (-15); -9 would mean it hung.
        assert sp.terminate(timeout=25) in (0, -signal.SIGTERM), sp.log()[-3000:]
        assert "Application shutdown complete" in sp.log()

    # The stopped consumer left nothing pending: what it had read, it applied and acked.
    leftovers = _pending_of(redis_url, f"caseplan-{socket.gethostname()}-{caseplan_pid}")
    assert leftovers == {}, f"entries left pending by the stopped consumer: {leftovers}"
    # The stopped relay marked published only what is really on the stream.
    published, on_stream = asyncio.run(_published_intake_events(migrated_database_url, redis_url))
    assert published <= on_stream, f"{len(published - on_stream)} marked published, not sent"
    for sp in (caseplan, intake):
        assert "Traceback" not in sp.log(), sp.log()[-3000:]

    intake.start()
    caseplan.start()
    expected = load.join()
    assert_end_state(migrated_database_url, expected)


def _pending_of(redis_url: str, consumer: str) -> dict[str, int]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        left = {}
        for stream in streams.ALL_EVENT_STREAMS:
            if not client.exists(stream):
                continue
            for group in client.xinfo_groups(stream):
                if group["name"] != "caseplan":
                    continue
                for c in client.xinfo_consumers(stream, "caseplan"):
                    if c["name"] == consumer and c["pending"]:
                        left[stream] = c["pending"]
        return left
    finally:
        client.close()


async def _published_intake_events(dsn: str, redis_url: str) -> tuple[set[str], set[str]]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT event_id::text AS e FROM intake.outbox o"
            " WHERE NOT EXISTS (SELECT FROM intake.outbox_pending p WHERE p.id = o.id)"
        )
    finally:
        await conn.close()
    client = redis.Redis.from_url(redis_url)
    try:
        entries: Any = client.xrange(streams.INTAKE)
    finally:
        client.close()
    on_stream = {json.loads(f[b"__data__"])["event_id"] for _, f in entries}
    return {r["e"] for r in rows}, on_stream
