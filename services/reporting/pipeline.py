"""Pipeline health for the dashboard: lag and pending per stream and group, dead letters,
and each service's outbox backlog (the others' scraped from their /metrics)."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import httpx
import redis.asyncio as aioredis

from services.reporting.domain.prometheus_text import gauge_value
from services.reporting.repository import queries
from services.reporting.settings import ReportingSettings
from shared.events import streams
from shared.settings import SERVICES, Settings

WATCHED = (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def stream_rows(redis: aioredis.Redis) -> list[dict[str, Any]]:
    """Length, and lag and pending of every consumer group, for each event stream."""
    rows: list[dict[str, Any]] = []
    for stream in WATCHED:
        if not await redis.exists(stream):
            continue
        length = int(await redis.xlen(stream))
        for g in await redis.xinfo_groups(stream):
            lag = g.get("lag")
            if lag is None:
                lag = await counted_lag(redis, stream, _text(g["last-delivered-id"]))
            rows.append(
                {
                    "stream": stream,
                    "group": _text(g["name"]),
                    "length": length,
                    "lag": int(lag),
                    "pending": int(g.get("pending") or 0),
                }
            )
    return rows


LAG_COUNT_LIMIT = 10_000
"""Beyond this many undelivered entries the lag shows as the limit (counting costs)."""


async def counted_lag(redis: aioredis.Redis, stream: str, last_delivered: str) -> int:
    """Entries after the group's last delivered one, when Redis cannot say (lag is null)."""
    entries: Any = await redis.xrange(
        stream, min=f"({last_delivered}", max="+", count=LAG_COUNT_LIMIT
    )
    return len(entries)


async def dead_letter_count(redis: aioredis.Redis) -> int:
    """Entries in the dead-letter stream."""
    return int(await redis.xlen(streams.DEAD_LETTER))


def metrics_url(service: str, settings: Settings, reporting: ReportingSettings) -> str:
    """Where a service's /metrics answer (settings override, else host and port)."""
    if service in reporting.service_urls:
        return reporting.service_urls[service].rstrip("/") + "/metrics"
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port_of(service)}/metrics"


async def scraped_backlog(
    client: httpx.AsyncClient, service: str, settings: Settings, reporting: ReportingSettings
) -> int | str:
    """A service's polku_outbox_backlog from its /metrics, or 'unknown' when unreachable."""
    try:
        response = await client.get(metrics_url(service, settings, reporting))
        response.raise_for_status()
    except httpx.HTTPError:
        return "unknown"
    value = gauge_value(response.text, "polku_outbox_backlog", {"service": service})
    return "unknown" if value is None else int(value)


async def own_state(pool: asyncpg.Pool) -> tuple[int, int]:
    """Reporting's own outbox rows not yet published, and the events in its log."""
    async with pool.acquire() as conn:
        return await queries.outbox_backlog(conn), await queries.events_logged(conn)


async def pipeline_health(
    redis: aioredis.Redis, pool: asyncpg.Pool, settings: Settings, reporting: ReportingSettings
) -> dict[str, Any]:
    """Everything the dashboard's pipeline panel shows."""
    others = [s for s in SERVICES if s != "reporting"]
    async with httpx.AsyncClient(timeout=reporting.metrics_timeout_seconds) as client:
        scraped = await asyncio.gather(
            *(scraped_backlog(client, s, settings, reporting) for s in others)
        )
    backlog: dict[str, int | str] = dict(zip(others, scraped, strict=True))
    backlog["reporting"], logged = await own_state(pool)
    return {
        "streams": await stream_rows(redis),
        "dead_letters": await dead_letter_count(redis),
        "outbox_backlog": backlog,
        "events_logged": logged,
    }
