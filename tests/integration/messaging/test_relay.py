"""The outbox relay: wakes on NOTIFY, keeps published rows, republishes after Redis loses data."""

from __future__ import annotations

from typing import Any

import asyncpg
import redis.asyncio as aioredis
from messaging_probe import PROBE, SOURCE, commit_registration, effects, registered, running

from shared import outbox
from shared.events import streams
from shared.settings import Settings
from tests.support import RedisServer
from tests.support.polling import eventually


async def test_relay_wakes_on_notify_not_on_its_poll(probe_settings: Settings) -> None:
    s = probe_settings.model_copy(update={"outbox_poll_ms": 60_000})
    async with running(SOURCE, s) as source:
        client = source.redis
        assert client is not None
        # After the first event is out, the relay is waiting on its 60 s poll.
        await commit_registration(s.database_url, registered())
        await eventually(lambda: _stream_length(client, 1), what="first event relayed")
        event = registered()
        await commit_registration(s.database_url, event)
        # Only NOTIFY can wake a relay that polls every 60 s within 2 s.
        await eventually(lambda: _stream_length(client, 2), within=2.0, what="NOTIFY wake-up")
        [(_, fields)] = await client.xrevrange(streams.INTAKE, count=1)
    assert fields[b"__data__"] == event.model_dump_json().encode()
    assert fields[b"type"] == event.type.encode()  # consumers skip unwanted types unparsed


async def test_notify_names_the_ids_the_transaction_added(probe_settings: Settings) -> None:
    s = probe_settings
    listener = await asyncpg.connect(s.database_url)
    heard: list[str] = []
    try:
        await listener.add_listener("polku_outbox_probesource", lambda *a: heard.append(a[3]))
        events = [registered() for _ in range(3)]
        conn = await asyncpg.connect(s.database_url, server_settings={"search_path": "probesource"})
        try:
            async with conn.transaction():
                await outbox.record(conn, events)
            ids = await conn.fetch(
                "SELECT id FROM outbox WHERE event_id = ANY($1::uuid[]) ORDER BY id",
                [e.event_id for e in events],
            )
        finally:
            await conn.close()
        await eventually(lambda: _true(bool(heard)), what="the NOTIFY")
    finally:
        await listener.close()
    assert heard == [f"{ids[0]['id']},{ids[-1]['id']}"]


async def test_a_row_whose_notify_was_missed_is_published_by_the_poll(
    probe_settings: Settings,
) -> None:
    s = probe_settings.model_copy(update={"outbox_poll_ms": 300})
    async with running(SOURCE, s) as source:
        client = source.redis
        assert client is not None
        event = registered()
        # Queued without the trigger's NOTIFY: as if the relay had not been listening.
        conn = await asyncpg.connect(s.database_url, server_settings={"search_path": "probesource"})
        try:
            await conn.execute("ALTER TABLE outbox DISABLE TRIGGER outbox_queue")
            await conn.execute(
                "WITH added AS (INSERT INTO outbox (event_id, stream, type, body)"
                " VALUES ($1, $2, $3, $4) RETURNING id)"
                " INSERT INTO outbox_pending (id) SELECT id FROM added",
                event.event_id,
                event.stream,
                event.type,
                event.model_dump_json(),
            )
            await conn.execute("ALTER TABLE outbox ENABLE TRIGGER outbox_queue")
        finally:
            await conn.close()
        await eventually(lambda: _stream_length(client, 1), within=5.0, what="poll scan")
        [(_, fields)] = await client.xrange(streams.INTAKE)
    assert fields[b"__data__"] == event.model_dump_json().encode()
    assert await _published_rows(s.database_url) == 1


async def test_redis_restarted_empty_is_republished_from_the_retention_window(
    probe_settings: Settings, redis_server: RedisServer
) -> None:
    s = probe_settings
    first = [registered() for _ in range(3)]
    async with running(SOURCE, s), running(PROBE, s) as probe:
        for event in first:
            await commit_registration(s.database_url, event)
        want = {e.payload.participant_id: 1 for e in first}
        await eventually(lambda: _equals(effects(s.database_url), want), what="first events")
        assert await _published_rows(s.database_url) == 3  # kept after publishing

        redis_server.restart_empty()

        client = aioredis.from_url(s.redis_url)
        try:
            # The relay republishes its window; the consumer recreates its group at 0.
            await eventually(
                lambda: _stream_length(client, 3), what="outbox republished to the empty Redis"
            )
            duplicates = probe.metrics.events_consumed.labels(
                "probe", streams.INTAKE, first[0].type, "duplicate"
            )
            await eventually(
                lambda: _value_is(duplicates, 3), what="republished copies dropped by the inbox"
            )
            # The same running consumer still takes new events (no process restart).
            later = registered()
            await commit_registration(s.database_url, later)
            want[later.payload.participant_id] = 1
            await eventually(lambda: _equals(effects(s.database_url), want), what="new event")
            assert probe.metrics.redis_resets.labels("probe")._value.get() == 1
        finally:
            await client.aclose()
    assert await effects(s.database_url) == want


async def _published_rows(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM probesource.outbox o"
                " WHERE NOT EXISTS (SELECT FROM probesource.outbox_pending p WHERE p.id = o.id)"
            )
        )
    finally:
        await conn.close()


async def _stream_length(client: aioredis.Redis, n: int) -> bool:
    return bool(await client.xlen(streams.INTAKE) >= n)


async def _true(value: bool) -> bool:
    return value


async def _value_is(counter: Any, value: float) -> bool:
    return bool(counter._value.get() == value)


async def _equals(check: Any, want: object) -> bool:
    return bool(await check == want)
