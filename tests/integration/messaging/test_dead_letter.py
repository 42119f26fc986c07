"""Poison entries and failing handlers end in the dead-letter stream; replay applies once."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from messaging_probe import PROBE, effects, registered, running

from shared.dead_letters import original_of
from shared.events import streams
from shared.sealing import Sealer
from shared.settings import Settings
from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[3]


async def dead_letters(client: aioredis.Redis) -> list[dict[str, str]]:
    """Every dead-letter entry, oldest first, as text."""
    rows: Any = await client.xrange(streams.DEAD_LETTER)
    return [
        {"id": eid.decode(), **{k.decode(): v.decode() for k, v in f.items()}} for eid, f in rows
    ]


async def test_malformed_unknown_version_and_invalid_payload_are_dead_lettered(
    probe_settings: Settings,
) -> None:
    s = probe_settings
    good = registered()
    future = json.loads(registered().model_dump_json()) | {"version": 99}
    invalid = json.loads(registered().model_dump_json())
    del invalid["payload"]["participant_id"]
    async with running(PROBE, s) as probe:
        client = probe.redis
        assert client is not None
        await client.xadd(streams.INTAKE, {"__data__": "{not json"})
        await client.xadd(streams.INTAKE, {"__data__": json.dumps(future)})
        await client.xadd(streams.INTAKE, {"__data__": json.dumps(invalid)})
        await client.xadd(streams.INTAKE, {"__data__": good.model_dump_json()})
        await eventually(lambda: effects(s.database_url), what="the good event behind them")
        dead = await eventually(lambda: _at_least(client, 3), what="three dead letters")
    assert [d["reason"] for d in dead] == ["malformed", "unknown_version", "invalid_payload"]
    assert "version 99" in dead[1]["error"]
    assert "participant_id" in dead[2]["error"]
    assert all(d["stream"] == streams.INTAKE and d["consumer"] == "probe" for d in dead)
    # Operators read the fields redacted; the original is sealed with the project's key.
    assert json.loads(dead[0]["fields"]) == {"__data__": "«sealed» (not JSON, 9 characters)"}
    assert original_of(dead[0], Sealer(s.encryption_key)) == {"__data__": "{not json"}
    assert await effects(s.database_url) == {good.payload.participant_id: 1}


async def test_failing_handler_is_dead_lettered_after_max_attempts_then_replayed_once(
    probe_settings: Settings,
) -> None:
    s = probe_settings
    assert s.max_attempts == 3
    doomed, good = registered("boom town"), registered()
    async with running(PROBE, s) as probe:
        client = probe.redis
        assert client is not None
        await client.xadd(streams.INTAKE, {"__data__": doomed.model_dump_json()})
        await client.xadd(streams.INTAKE, {"__data__": good.model_dump_json()})
        [dead] = await eventually(lambda: _at_least(client, 1), what="handler dead-lettered")
        assert dead["reason"] == "handler_failed"
        assert dead["attempts"] == "3"
        assert dead["event_id"] == str(doomed.event_id)
        assert "cannot handle boom town" in dead["error"]
        assert await effects(s.database_url) == {good.payload.participant_id: 1}
        await eventually(lambda: _no_pending(client), what="both entries settled")

        listed = await polku(s, "dlq", "list", "--json")
        assert [json.loads(line)["id"] for line in listed.splitlines()] == [dead["id"]]
        await _fix(s.database_url, "boom town")
        replayed = json.loads(await polku(s, "dlq", "replay", dead["id"]))
        assert replayed["replayed"] == dead["id"]
        want = {good.payload.participant_id: 1, doomed.payload.participant_id: 1}
        await eventually(lambda: _equals(effects(s.database_url), want), what="replay applied")
        # Replaying the same event again (e.g. by mistake) is a duplicate: no second effect.
        await client.xadd(streams.INTAKE, {"__data__": doomed.model_dump_json()})
        await eventually(lambda: _no_pending(client), what="second copy settled")
        assert await dead_letters(client) == []  # replay took it off the dead-letter stream
    assert await effects(s.database_url) == want


async def polku(s: Settings, *args: str) -> str:
    """Run the `polku` CLI against this test's servers; returns its output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "polku.cli",
        *args,
        cwd=ROOT,
        env={**os.environ, "POLKU_DATABASE_URL": s.database_url, "POLKU_REDIS_URL": s.redis_url},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def _fix(dsn: str, municipality: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("INSERT INTO probe.fixed (municipality) VALUES ($1)", municipality)
    finally:
        await conn.close()


async def _at_least(client: aioredis.Redis, n: int) -> list[dict[str, str]] | None:
    dead = await dead_letters(client)
    return dead if len(dead) >= n else None


async def _equals(check: Any, want: object) -> bool:
    return bool(await check == want)


async def _no_pending(client: aioredis.Redis) -> bool:
    return bool((await client.xpending(streams.INTAKE, "probe"))["pending"] == 0)
