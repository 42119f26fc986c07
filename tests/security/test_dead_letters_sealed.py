"""Inbound requests leave Redis once settled; dead letters keep no personal data in clear:
`polku dlq list` shows what an operator needs, `polku dlq replay` still sends the original."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from fastapi import FastAPI
from redis_dump import dump_redis, holders
from security_helpers import OWN, intake_body, secrets_of

from shared.dead_letters import original_of
from shared.events import streams
from shared.sealing import Sealer
from shared.settings import Settings
from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[2]


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


async def _inbound_empty(redis: aioredis.Redis) -> bool:
    pending = await redis.xpending(streams.INTAKE_REQUESTS, "intake")
    return bool(await redis.xlen(streams.INTAKE_REQUESTS) == 0 and pending["pending"] == 0)


async def _dead(redis: aioredis.Redis, n: int) -> list[Any]:
    rows: Any = await redis.xrange(streams.DEAD_LETTER)
    return rows if len(rows) >= n else []


async def test_a_registered_request_is_deleted_from_the_inbound_stream(
    intake_app: FastAPI, settings: Settings
) -> None:
    body = intake_body(OWN, request_id="req-1")
    redis = aioredis.from_url(settings.redis_url)
    conn = await asyncpg.connect(settings.database_url, server_settings={"search_path": "intake"})
    try:
        await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(body)})
        await eventually(
            lambda: conn.fetchval("SELECT count(*) FROM participant"), "registered", within=30
        )
        await eventually(lambda: _inbound_empty(redis), "the settled request deleted", within=30)
        # Sent again (or claimed again after a crash between commit and XDEL): a duplicate
        # for the inbox, deleted all the same, and the person is registered once.
        await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(body)})
        await eventually(lambda: _inbound_empty(redis), "the duplicate deleted", within=30)
        assert await conn.fetchval("SELECT registrations FROM participant") == 1
        assert not holders(await dump_redis(redis), [s.encode() for s in secrets_of(body)])
    finally:
        await conn.close()
        await redis.aclose()


async def test_dlq_list_shows_no_personal_field_and_replay_sends_the_original(
    intake_app: FastAPI, settings: Settings
) -> None:
    body = intake_body(OWN, months_unemployed=-1)
    secrets = [s.encode() for s in secrets_of(body)]
    redis = aioredis.from_url(settings.redis_url)
    try:
        await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(body)})
        [(dead_id, _)] = await eventually(
            lambda: _dead(redis, 1), "the bad request dead-lettered", within=30
        )
        await eventually(
            lambda: _inbound_empty(redis), "the dead-lettered request deleted", within=30
        )
        assert not holders(await dump_redis(redis), secrets)  # sealed, not in clear

        listed = [
            json.loads(line)
            for line in (await polku(settings, "dlq", "list", "--json")).splitlines()
        ]
        (row,) = listed
        assert (row["id"], row["reason"], row["stream"]) == (
            dead_id.decode(),
            "invalid_payload",
            streams.INTAKE_REQUESTS,
        )
        assert "months_unemployed" in row["error"] and row["personal_data"] == "sealed"
        shown = json.loads(json.loads(row["fields"])["data"])
        assert shown["municipality"] == OWN and shown["months_unemployed"] == -1
        assert shown["given_name"] == shown["contact"] == shown["national_id"] == "«sealed»"
        text = json.dumps(listed, ensure_ascii=False).encode()
        assert not [s for s in secrets if s in text]

        sealer = Sealer(settings.encryption_key)
        first = await _opened(redis, sealer)
        assert first == {dead_id: {"data": json.dumps(body)}}
        await polku(settings, "dlq", "replay", dead_id.decode())

        async def refused_again() -> dict[bytes, Any]:
            opened = await _opened(redis, sealer)
            return opened if opened and dead_id not in opened else {}

        (again,) = (
            await eventually(refused_again, "the replayed request refused", within=30)
        ).values()
        assert again == first[dead_id]  # the replay sent the original, opened from its seal
    finally:
        await redis.aclose()


async def _opened(redis: aioredis.Redis, sealer: Sealer) -> dict[bytes, Any]:
    """Each dead letter's original entry, opened from its seal."""
    rows: Any = await redis.xrange(streams.DEAD_LETTER)
    return {
        eid: original_of({k.decode(): v.decode() for k, v in f.items()}, sealer) for eid, f in rows
    }
