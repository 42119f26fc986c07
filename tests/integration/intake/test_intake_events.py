"""What reaches Redis: pseudonymous events only; inbound requests registered or dead-lettered."""

from __future__ import annotations

import json

import asyncpg
import httpx
import redis.asyncio as aioredis
from intake_helpers import broken, estonian_id, finnish_id, intake_body

from shared.events import streams
from shared.settings import Settings
from tests.support.polling import eventually


async def test_events_in_the_stream_carry_no_name_contact_or_identity_number(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    ee, fi = estonian_id(), finnish_id()
    first = await client.post("/v1/intakes", json=intake_body(ee))
    await client.post("/v1/intakes", json=intake_body(fi, municipality="Perho"))
    await client.post("/v1/intakes", json=intake_body(ee, given_name="Maria"))  # updated
    pid = first.json()["participant_id"]
    fix = {
        "family_name": "Kask-Secretname",
        "contact": {"phone": "+372 5999 8888"},
        "isced_level": 4,
    }
    assert (await client.patch(f"/v1/participants/{pid}", json=fix)).status_code == 200

    redis = aioredis.from_url(settings.redis_url)
    try:
        entries = await eventually(
            lambda: _entries_if(redis, 4), what="four intake events in Redis"
        )
    finally:
        await redis.aclose()
    raw = b"".join(k + v for _, fields in entries for k, v in fields.items())
    secrets = [ee, fi, fi.lower(), "Mari", "Secretname", "mari.secret", "5123 4567", "5999 8888"]
    secrets += ["79511", "59.00712", "24.79264", "sotsiaal"]
    for secret in secrets:
        assert secret.encode() not in raw, secret
    types = [json.loads(f[b"__data__"])["type"] for _, f in entries]
    assert types == ["participant.registered"] * 2 + ["participant.updated"] * 2
    payload = json.loads(entries[0][1][b"__data__"])["payload"]
    assert payload["participant_id"] == pid
    assert payload["birth_year"] == int(("18", "19", "20", "21")[(int(ee[0]) - 1) // 2] + ee[1:3])
    assert payload["location"] == {"municipality": "Rapla vald", "lat": 59.01, "lon": 24.79}


async def _entries_if(redis: aioredis.Redis, count: int) -> list[tuple[bytes, dict[bytes, bytes]]]:
    entries = await redis.xrange(streams.INTAKE)
    return entries if len(entries) >= count else []


async def test_inbound_request_is_registered_once_and_a_bad_one_dead_lettered(
    client: httpx.AsyncClient, settings: Settings, db: asyncpg.Connection
) -> None:
    good = {**intake_body(municipality="Jõhvi vald"), "request_id": "jõhvi-2026-0001"}
    bad = {**intake_body(broken(estonian_id())), "request_id": "jõhvi-2026-0002"}
    redis = aioredis.from_url(settings.redis_url)
    try:
        for body in (good, good, bad):
            await redis.xadd(streams.INTAKE_REQUESTS, {"data": json.dumps(body)})
        await redis.xadd(streams.INTAKE_REQUESTS, {"data": "{broken"})
        dead = await eventually(lambda: _entries_if_dead(redis, 2), what="two dead letters")
        await eventually(
            lambda: _at_least(db, 2), what="the registration's event and the refusal's"
        )
    finally:
        await redis.aclose()
    assert await db.fetchval("SELECT count(*) FROM participant") == 1
    assert await db.fetchval("SELECT municipality FROM participant") == "Jõhvi vald"
    events = await db.fetch("SELECT type, body FROM outbox ORDER BY type")
    assert [e["type"] for e in events] == ["intake.rows_refused", "participant.registered"]
    told = json.loads(events[0]["body"])["payload"]  # the broken JSON names no municipality
    assert told == {"municipality": "Rapla vald", "source": "stream", "refused": 1, "total": 1,
                    "rows": [], "request_ids": ["jõhvi-2026-0002"]}  # fmt: skip
    reasons = [(d[b"reason"], d[b"error"]) for _, d in dead]
    assert (b"invalid_payload", b"national_id: checksum does not match") in reasons
    assert reasons[1][0] == b"malformed"


async def _at_least(db: asyncpg.Connection, n: int) -> bool:
    return int(await db.fetchval("SELECT count(*) FROM outbox")) >= n


async def _entries_if_dead(
    redis: aioredis.Redis, count: int
) -> list[tuple[bytes, dict[bytes, bytes]]]:
    entries = await redis.xrange(streams.DEAD_LETTER)
    return entries if len(entries) >= count else []
