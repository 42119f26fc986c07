"""Operations over the running system: dead letters and pipeline status (used by the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
import redis.asyncio as aioredis

from shared import dead_letters as letters
from shared.events import streams
from shared.sealing import Sealer
from shared.settings import SERVICES


def _s(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def dead_letters(redis: aioredis.Redis, *, limit: int = 50) -> list[dict[str, str]]:
    """The newest dead-letter entries, newest first, personal data redacted (never the seal)."""
    rows: Any = await redis.xrevrange(streams.DEAD_LETTER, count=limit)
    return [
        letters.listed(_s(eid), {_s(k): _s(v) for k, v in fields.items()}) for eid, fields in rows
    ]


async def replay_dead_letter(
    redis: aioredis.Redis, dsn: str, entry_id: str, sealer: Sealer
) -> dict[str, str]:
    """Send one dead-letter entry back to its stream, opening its seal; clears its failed
    attempts."""
    rows: Any = await redis.xrange(streams.DEAD_LETTER, min=entry_id, max=entry_id)
    if not rows:
        raise LookupError(f"no dead-letter entry {entry_id}")
    fields = {_s(k): _s(v) for k, v in rows[0][1].items()}
    original: Any = letters.original_of(fields, sealer)
    new_id = await redis.xadd(fields["stream"], original)
    consumer = fields.get("consumer", "")
    if consumer in SERVICES and fields.get("event_id"):
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                f'DELETE FROM "{consumer}".failed_attempt WHERE consumer = $1 AND entry_key = $2',
                consumer,
                fields["event_id"],
            )
        finally:
            await conn.close()
    await redis.xdel(streams.DEAD_LETTER, entry_id)
    return {"replayed": entry_id, "stream": fields["stream"], "new_entry_id": _s(new_id)}


@dataclass
class StreamStatus:
    """One stream and one consumer group on it."""

    stream: str
    length: int
    group: str
    lag: int | None
    pending: int


async def pipeline_status(redis: aioredis.Redis, dsn: str) -> dict[str, Any]:
    """Length, lag and pending of every stream and group; dead letters; outbox backlogs."""
    rows: list[StreamStatus] = []
    for stream in (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS):
        if not await redis.exists(stream):
            continue
        length = int(await redis.xlen(stream))
        for g in await redis.xinfo_groups(stream):
            lag = g.get("lag")
            rows.append(
                StreamStatus(
                    stream,
                    length,
                    _s(g["name"]),
                    None if lag is None else int(lag),
                    int(g["pending"]),
                )
            )
    dead = (
        int(await redis.xlen(streams.DEAD_LETTER)) if await redis.exists(streams.DEAD_LETTER) else 0
    )
    backlog: dict[str, int | None] = {}
    conn = await asyncpg.connect(dsn)
    try:
        for service in SERVICES:
            try:
                backlog[service] = int(
                    await conn.fetchval(f'SELECT count(*) FROM "{service}".outbox_pending')
                )
            except asyncpg.UndefinedTableError:
                backlog[service] = None
    finally:
        await conn.close()
    return {"streams": rows, "dead_letters": dead, "outbox_backlog": backlog}


def format_status(status: dict[str, Any]) -> str:
    """`pipeline_status` as a plain-text table."""
    lines = [f"{'stream':<24} {'group':<12} {'length':>8} {'lag':>8} {'pending':>8}"]
    for r in status["streams"]:
        lag = "-" if r.lag is None else str(r.lag)
        lines.append(f"{r.stream:<24} {r.group:<12} {r.length:>8} {lag:>8} {r.pending:>8}")
    lines.append("")
    lines.append(f"dead letters: {status['dead_letters']}")
    lines.append(
        "outbox backlog: "
        + ", ".join(f"{k}={'-' if v is None else v}" for k, v in status["outbox_backlog"].items())
    )
    return "\n".join(lines)
