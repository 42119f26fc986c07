"""Erasure's reach into the backbone: a participant's events leave the outbox and their
streams once every consumer group has settled them (nothing is taken from a consumer
that has not read it yet)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

import asyncpg
import redis.asyncio as aioredis

from shared.events.envelope import Envelope

log = logging.getLogger("polku.erasure")

SEARCH_BATCH = 500
SEARCH_LIMIT = 20_000
"""Entries looked at from an event's time on to find its entry (the relay publishes within
moments of the commit; an entry not found this far was trimmed or lost with Redis)."""
CLOCK_SKEW_MS = 5_000
SWEEP_BATCH = 200


async def forget_events(
    conn: asyncpg.Connection,
    participant_id: UUID,
    *,
    also: Iterable[Envelope[Any]] = (),
    keep_types: Iterable[str] = (),
) -> int:
    """Queue the participant's events in this schema's outbox, and those of `also` about
    them (emitted by the same transaction), to be forgotten once settled; returns how many.

    The outbox is searched by the participant id in the bodies: erasures are rare, and an
    index on every event for them would cost each publication."""
    status = await conn.execute(
        "INSERT INTO outbox_forget (event_id, stream) SELECT event_id, stream FROM outbox"
        " WHERE strpos(body, $1) > 0 AND type <> ALL($2::text[]) ON CONFLICT DO NOTHING",
        f'"participant_id":"{participant_id}"',
        list(keep_types),
    )
    queued = int(status.split()[-1])
    extra = [e for e in also if getattr(e.payload, "participant_id", None) == participant_id]
    if extra:
        await conn.execute(
            "INSERT INTO outbox_forget (event_id, stream)"
            " SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING",
            [e.event_id for e in extra],
            [e.stream for e in extra],
        )
    return queued + len(extra)


async def forget_settled(pool: asyncpg.Pool, redis: aioredis.Redis) -> int:
    """Delete queued events that are published and settled everywhere, from the outbox
    and their stream; returns how many were forgotten."""
    return (await _sweep(pool, redis))[1]


async def _sweep(pool: asyncpg.Pool, redis: aioredis.Redis) -> tuple[int, int]:
    """`forget_settled`: (events queued and published, of which forgotten)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT f.event_id, f.stream FROM outbox_forget f LEFT JOIN outbox o USING (event_id)"
            " WHERE NOT EXISTS (SELECT FROM outbox_pending p WHERE p.id = o.id)"
            " ORDER BY f.queued_at LIMIT $1",
            SWEEP_BATCH,
        )
    done: list[UUID] = []
    for row in rows:
        entry = await find_entry(redis, row["stream"], row["event_id"])
        if entry is not None:
            if not await settled_everywhere(redis, row["stream"], entry):
                continue  # a group has yet to read or settle it: next sweep
            await redis.xdel(row["stream"], entry)
        done.append(row["event_id"])
    if done:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("DELETE FROM outbox WHERE event_id = ANY($1::uuid[])", done)
            await conn.execute("DELETE FROM outbox_forget WHERE event_id = ANY($1::uuid[])", done)
    return len(rows), len(done)


def _since_ms(event_id: UUID) -> int:
    """Where to look for an event's entry: its UUIDv7 time, less a clock skew (else all)."""
    if event_id.version != 7:
        return 0
    return max(0, (event_id.int >> 80) - CLOCK_SKEW_MS)


async def find_entry(redis: aioredis.Redis, stream: str, event_id: UUID) -> bytes | None:
    """The id of the stream entry that carries this event, or None."""
    needle = f'"event_id":"{event_id}"'.encode()
    start: bytes | str = f"{_since_ms(event_id)}-0"
    for _ in range(SEARCH_LIMIT // SEARCH_BATCH):
        rows: Any = await redis.xrange(stream, min=start, max="+", count=SEARCH_BATCH)
        for entry_id, fields in rows:
            if needle in fields.get(b"__data__", b""):
                return entry_id  # type: ignore[no-any-return]
        if len(rows) < SEARCH_BATCH:
            return None
        start = b"(" + rows[-1][0]
    return None


def _order(entry_id: bytes | str) -> tuple[int, int]:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


async def settled_everywhere(redis: aioredis.Redis, stream: str, entry_id: bytes) -> bool:
    """Whether every consumer group on the stream was delivered the entry and acked it."""
    for group in await redis.xinfo_groups(stream):
        if _order(group["last-delivered-id"]) < _order(entry_id):
            return False
        pending = await redis.xpending_range(
            stream, group["name"], min=entry_id, max=entry_id, count=1
        )
        if pending:
            return False
    return True


async def forget_loop(
    pool: asyncpg.Pool,
    redis: aioredis.Redis,
    *,
    interval_s: float,
    stopping: Callable[[], bool],
    idle_interval_s: float | None = None,
) -> None:
    """Background sweep of `forget_settled`, until stopped: every `interval_s` while events
    wait for a group to settle them, every `idle_interval_s` (default ten intervals) while
    none is queued (erasures are rare: an idle service asks once in a while)."""
    idle = idle_interval_s if idle_interval_s is not None else 10 * interval_s
    while not stopping():
        wait = interval_s
        try:
            queued, _ = await _sweep(pool, redis)
            if not queued:
                wait = idle
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("forgetting erased events: %r", exc)
        await asyncio.sleep(wait)
