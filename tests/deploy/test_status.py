"""`polku status` against a running stack: every stream and group with its length, lag and
pending count, the dead-letter count and each service's outbox backlog — compared with what
Redis and PostgreSQL say when asked directly."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import asyncpg
import pytest
import redis.asyncio as aioredis
from deploy_support import ROOT, LiveStack, live_stack

from shared.events import streams
from shared.settings import SERVICES
from tests.support import wait_until

live = pytest.fixture(scope="module")(live_stack)


async def truth(live: LiveStack) -> dict[str, Any]:
    """Streams, groups, dead letters and outbox backlogs, read straight from the servers."""
    client = aioredis.from_url(live.redis_url)
    rows: dict[tuple[str, str], tuple[int, str, int]] = {}
    try:
        for stream in (*streams.ALL_EVENT_STREAMS, streams.INTAKE_REQUESTS):
            if not await client.exists(stream):
                continue
            length = int(await client.xlen(stream))
            for g in await client.xinfo_groups(stream):
                lag = "-" if g.get("lag") is None else str(g["lag"])
                rows[(stream, g["name"].decode())] = (length, lag, int(g["pending"]))
        dead = int(await client.xlen(streams.DEAD_LETTER))
    finally:
        await client.aclose()
    conn = await asyncpg.connect(live.database_url)
    try:
        backlog = {
            s: await conn.fetchval(f"SELECT count(*) FROM {s}.outbox_pending") for s in SERVICES
        }
    finally:
        await conn.close()
    return {"rows": rows, "dead": dead, "backlog": backlog}


def polku_status(live: LiveStack) -> str:
    env = {**os.environ, "POLKU_DATABASE_URL": live.database_url, "POLKU_REDIS_URL": live.redis_url}
    done = subprocess.run(
        [sys.executable, "-m", "polku.cli", "status"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def table_rows(out: str) -> dict[tuple[str, str], tuple[int, str, int]]:
    lines = out.splitlines()
    assert lines[0].split() == ["stream", "group", "length", "lag", "pending"], lines[0]
    rows = {}
    for line in lines[1 : lines.index("")]:
        stream, group, length, lag, pending = line.split()
        rows[(stream, group)] = (int(length), lag, int(pending))
    return rows


async def add_poison(redis_url: str) -> None:
    """An entry that is not an event: every consumer of polku.intake dead-letters it."""
    client = aioredis.from_url(redis_url)
    try:
        await client.xadd(streams.INTAKE, {"__data__": b"{not json"})
    finally:
        await client.aclose()


def settled(live: LiveStack, dead_before: int) -> dict[str, Any]:
    now = asyncio.run(truth(live))
    quiet = all(pending == 0 for _, _, pending in now["rows"].values())
    return now if quiet and now["dead"] >= dead_before + 3 else {}


def test_status_shows_streams_groups_dead_letters_and_outbox_backlog(live: LiveStack) -> None:
    dead_before = asyncio.run(truth(live))["dead"]
    live.post_intakes(3, seed=31)
    asyncio.run(add_poison(live.redis_url))
    expected = wait_until(lambda: settled(live, dead_before), what="pipeline settled")
    out = polku_status(live)
    rows = table_rows(out)
    assert rows == expected["rows"]
    groups = {group for _, group in rows}
    assert groups >= {"caseplan", "matching", "reporting"}
    assert rows[(streams.INTAKE, "reporting")][0] >= 4, "3 intakes and the poison entry"
    assert f"dead letters: {expected['dead']}" in out
    assert expected["dead"] == dead_before + 3
    backlog = ", ".join(f"{s}={n}" for s, n in expected["backlog"].items())
    assert f"outbox backlog: {backlog}" in out
