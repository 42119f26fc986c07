"""The machine's own ceiling: a minimal consume loop on the same Redis and PostgreSQL.

XREADGROUP 100 entries → pydantic validation → one batched transaction with an inbox
insert → XACK. Three variants: executemany, set-based `unnest`, one transaction per event.
Every other benchmark reports its figures beside this one as a ratio.

Run: `python -m bench.ceiling [--events 20000]`
"""

from __future__ import annotations

import argparse
import time
import uuid
from datetime import UTC, date, datetime

import asyncpg
import redis.asyncio as aioredis
import uvloop

from bench.common import Report
from shared.events import Envelope, decode, new_event
from shared.events.intake import ParticipantRegistered
from tests.support.servers import RedisServer, create_database, drop_database

SCHEMA_SQL = """
CREATE TABLE inbox (consumer text, event_id uuid, PRIMARY KEY (consumer, event_id));
CREATE TABLE fact (participant_id uuid PRIMARY KEY, municipality text, registered_on date);
"""


def _event(i: int) -> str:
    p = ParticipantRegistered(
        participant_id=uuid.uuid4(),
        municipality=f"m{i % 20}",
        registered_on=date(2026, 1, 1),
        languages=["et", "ru"],
        skills=["http://data.europa.eu/esco/skill/x"],
    )
    return new_event(p, producer="bench", occurred_at=datetime.now(UTC)).model_dump_json()


async def _fill(r: aioredis.Redis, stream: str, n: int) -> None:
    await r.delete(stream)
    await r.xgroup_create(stream, "g", id="0", mkstream=True)
    for start in range(0, n, 1000):
        async with r.pipeline(transaction=False) as pipe:
            for i in range(start, min(n, start + 1000)):
                pipe.xadd(stream, {"__data__": _event(i)})
            await pipe.execute()


async def _apply_executemany(conn: asyncpg.Connection, events: list[Envelope]) -> None:
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO inbox VALUES ('c', $1) ON CONFLICT DO NOTHING",
            [(e.event_id,) for e in events],
        )
        await conn.executemany(
            "INSERT INTO fact VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [
                (e.payload.participant_id, e.payload.municipality, e.payload.registered_on)
                for e in events
            ],
        )


async def _apply_unnest(conn: asyncpg.Connection, events: list[Envelope]) -> None:
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO inbox SELECT 'c', unnest($1::uuid[]) ON CONFLICT DO NOTHING",
            [e.event_id for e in events],
        )
        await conn.execute(
            "INSERT INTO fact SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[])"
            " ON CONFLICT DO NOTHING",
            [e.payload.participant_id for e in events],
            [e.payload.municipality for e in events],
            [e.payload.registered_on for e in events],
        )


async def _apply_one_by_one(conn: asyncpg.Connection, events: list[Envelope]) -> None:
    for e in events:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO inbox VALUES ('c', $1) ON CONFLICT DO NOTHING", e.event_id
            )
            await conn.execute(
                "INSERT INTO fact VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                e.payload.participant_id,
                e.payload.municipality,
                e.payload.registered_on,
            )


async def _loop(r: aioredis.Redis, conn: asyncpg.Connection, stream: str, n: int, apply) -> float:
    await conn.execute("TRUNCATE inbox, fact")
    await _fill(r, stream, n)
    done = 0
    started = time.perf_counter()
    while done < n:
        resp = await r.xreadgroup("g", "c1", {stream: ">"}, count=100, block=100)
        if not resp:
            continue
        entries = resp[0][1]
        events = [decode(fields[b"__data__"]) for _, fields in entries]
        await apply(conn, events)
        await r.xack(stream, "g", *[eid for eid, _ in entries])
        done += len(entries)
    return n / (time.perf_counter() - started)


async def measure(
    events: int = 20_000, *, database_url: str | None = None, redis_url: str | None = None
) -> Report:
    """Run the three variants; returns the report (events per second per process)."""
    report = Report("ceiling", context={"events": events})
    own_db = database_url is None
    server = None
    if redis_url is None:
        server = RedisServer().start()
        redis_url = server.url
    dsn = database_url or await create_database()
    conn = await asyncpg.connect(dsn)
    r = aioredis.from_url(redis_url)
    try:
        await conn.execute("CREATE SCHEMA IF NOT EXISTS ceiling; SET search_path TO ceiling")
        await conn.execute("DROP TABLE IF EXISTS inbox, fact")
        await conn.execute(SCHEMA_SQL)
        for label, fn, n in (
            ("ceiling: pydantic + executemany", _apply_executemany, events),
            ("ceiling: pydantic + unnest", _apply_unnest, events),
            ("ceiling: one transaction per event", _apply_one_by_one, max(2000, events // 5)),
        ):
            rate = await _loop(r, conn, "bench.ceiling", n, fn)
            report.add(label, rate, "events/s")
    finally:
        await r.aclose()
        await conn.close()
        if own_db:
            await drop_database(dsn)
        if server is not None:
            server.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    report = uvloop.run(measure(args.events))
    print(report.table())
    print(f"written to {report.write()}")


if __name__ == "__main__":
    main()
