"""On real servers: a statement that times out is a failed attempt, counted and then
dead-lettered; a PostgreSQL outage is waited out, never counted, and logged twice; an
entry whose `type` field disagrees with its body is dead-lettered, not lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import asyncpg
import pytest
from messaging_probe import PROBE, effects, migrate_probe, registered, running
from test_dead_letter import dead_letters

from shared.events import streams
from shared.settings import Settings
from tests.support.polling import eventually
from tests.support.postgres import PrivatePostgres


async def test_a_statement_that_times_out_is_counted_then_dead_lettered(
    probe_settings: Settings,
) -> None:
    s = probe_settings
    slow, good = registered("sleepy hollow"), registered()
    async with running(PROBE, s) as probe:
        client = probe.redis
        assert client is not None
        await client.xadd(streams.INTAKE, {"__data__": slow.model_dump_json(), "type": slow.type})
        await client.xadd(streams.INTAKE, {"__data__": good.model_dump_json(), "type": good.type})
        await eventually(lambda: effects(s.database_url), what="the good event beside it")
        [dead] = await eventually(lambda: dead_letters(client), what="the slow one dead-lettered")
    assert (dead["reason"], dead["attempts"]) == ("timed_out", str(s.max_attempts))
    assert dead["event_id"] == str(slow.event_id) and "TimeoutError" in dead["error"]
    assert await effects(s.database_url) == {good.payload.participant_id: 1}


async def test_a_wrong_type_field_is_dead_lettered_and_the_right_one_applied(
    probe_settings: Settings,
) -> None:
    s = probe_settings
    mislabelled, good = registered(), registered()
    async with running(PROBE, s) as probe:
        client = probe.redis
        assert client is not None
        body = mislabelled.model_dump_json()
        await client.xadd(streams.INTAKE, {"__data__": body, "type": "caseplan.opened"})
        await client.xadd(streams.INTAKE, {"__data__": good.model_dump_json(), "type": good.type})
        await eventually(lambda: effects(s.database_url), what="the good event")
        [dead] = await eventually(lambda: dead_letters(client), what="the mislabelled one")
        pending = await client.xpending(streams.INTAKE, "probe")
    assert dead["reason"] == "type_mismatch" and dead["event_id"] == str(mislabelled.event_id)
    assert await effects(s.database_url) == {good.payload.participant_id: 1}
    assert pending["pending"] == 0  # settled: on the dead-letter stream, not lost


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres().start()
    try:
        yield server
    finally:
        server.destroy()


async def test_an_outage_is_waited_out_uncounted_with_one_line_each_way(
    private_postgres: PrivatePostgres, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    s = settings.model_copy(update={"database_url": private_postgres.url})
    await migrate_probe(s.database_url)
    caplog.set_level(logging.INFO, "polku.messaging")
    event = registered()
    async with running(PROBE, s) as probe:
        client = probe.redis
        assert client is not None
        await asyncio.to_thread(private_postgres.stop)
        await client.xadd(streams.INTAKE, {"__data__": event.model_dump_json(), "type": event.type})
        await eventually(lambda: _logged(caplog, "unavailable"), what="the outage noticed")
        await asyncio.to_thread(private_postgres.start)
        await eventually(lambda: effects(s.database_url), within=30, what="applied after it")
        await eventually(lambda: _logged(caplog, "available again"), what="the recovery noted")
        dead = await dead_letters(client)
    assert await effects(s.database_url) == {event.payload.participant_id: 1}
    assert dead == []
    assert await _attempts(s.database_url) == 0
    consumer_lines = [m for m in _messages(caplog) if m.startswith("database of consumer probe")]
    assert len(consumer_lines) == 2, consumer_lines


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "polku.messaging"]


async def _logged(caplog: pytest.LogCaptureFixture, words: str) -> bool:
    return any(f"consumer probe {words}" in m for m in _messages(caplog))


async def _attempts(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM probe.failed_attempt"))
    finally:
        await conn.close()
