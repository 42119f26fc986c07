"""Small tools the fault tests share: identity numbers, publishing, dead letters, SQL, CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import redis

from shared.events import streams

ROOT = Path(__file__).resolve().parents[2]
_EE_WEIGHTS = ((1, 2, 3, 4, 5, 6, 7, 8, 9, 1), (3, 4, 5, 6, 7, 8, 9, 1, 2, 3))


def national_ids(n: int, *, first: int = 0) -> list[str]:
    """`n` distinct valid Estonian identity numbers (people born 1980-1999)."""
    ids = []
    for k in range(first, first + n):
        day, serial = divmod(k, 999)
        year, doy = 80 + (day // 336) % 20, day % 336
        ten = f"{3 + k % 2}{year:02d}{doy // 28 + 1:02d}{doy % 28 + 1:02d}{serial + 1:03d}"
        ids.append(ten + str(_check_digit(ten)))
    return ids


def _check_digit(ten: str) -> int:
    for weights in _EE_WEIGHTS:
        remainder = sum(int(d) * w for d, w in zip(ten, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return 0


def publish(redis_url: str, stream: str, fields: dict[str, str]) -> str:
    """XADD one entry as some other producer would; its entry id."""
    client = redis.Redis.from_url(redis_url)
    try:
        return str(client.xadd(stream, fields).decode())  # type: ignore[union-attr]
    finally:
        client.close()


def dead_letters(redis_url: str) -> list[dict[str, str]]:
    """Every entry of the dead-letter stream, oldest first, as text."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        rows: Any = client.xrange(streams.DEAD_LETTER)
    finally:
        client.close()
    return [{"id": entry_id, **fields} for entry_id, fields in rows]


def metric(url: str, line_start: str) -> float:
    """The value of the first /metrics sample whose line starts with `line_start`."""
    for line in httpx.get(f"{url}/metrics", timeout=5).text.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def polku(dsn: str, redis_url: str, *args: str) -> str:
    """Run the `polku` CLI against this test's servers; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "polku.cli", *args],
        env={**os.environ, "POLKU_DATABASE_URL": dsn, "POLKU_REDIS_URL": redis_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def sql_value(dsn: str, query: str, *args: Any) -> Any:
    """One value from the database."""

    async def go() -> Any:
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()

    return asyncio.run(go())


def pending_entries(redis_url: str) -> dict[str, int]:
    """Entries delivered and not acknowledged, per `stream/group` (only non-zero ones)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        left = {}
        for stream in (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS):
            if not client.exists(stream):
                continue
            for group in client.xinfo_groups(stream):
                if group["pending"]:
                    left[f"{stream}/{group['name']}"] = int(group["pending"])
        return left
    finally:
        client.close()


PIPELINE_FAMILIES = {
    "polku_events_consumed",
    "polku_events_published",
    "polku_handler_duration_seconds",
    "polku_outbox_backlog",
    "polku_consumer_lag",
    "polku_consumer_pending",
    "polku_dead_lettered_events",
}


def metric_families(url: str) -> dict[str, int]:
    """A service's /metrics parsed as Prometheus text: family name → number of samples."""
    from prometheus_client.parser import text_string_to_metric_families

    text = httpx.get(f"{url}/metrics", timeout=5).text
    return {f.name: len(f.samples) for f in text_string_to_metric_families(text)}
