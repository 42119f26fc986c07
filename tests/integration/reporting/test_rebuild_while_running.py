"""`polku reporting rebuild` succeeds while the service runs: the gauge refresher and the
dashboard read the figures meanwhile (they once deadlocked with it: 3 rebuilds in 7 failed
with DeadlockDetectedError), and no reader sees a half-built read model."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
import redis
from random_network import History
from reporting_scenario import build, publish

from services.reporting import service
from services.reporting.aggregator import catch_up, run_aggregator
from services.reporting.domain.filters import ReportFilter
from services.reporting.projection import apply_events, rebuild
from services.reporting.settings import ReportingSettings
from shared.db import create_pool
from tests.support import Stack, bearer, wait_until

SETTINGS = ReportingSettings()
REBUILDS = 7


@pytest.fixture
async def pool(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(migrated_database_url, schema="reporting")
    try:
        yield p
    finally:
        await p.close()


async def project(pool: asyncpg.Pool, history: History) -> None:
    async with pool.acquire() as conn, conn.transaction():
        by_type: dict[str, list[Any]] = {}
        for e in history.events:
            by_type.setdefault(e.type, []).append(e)
        for group in by_type.values():
            await apply_events(conn, group)
    await catch_up(pool, SETTINGS)


async def test_rebuilds_succeed_while_gauges_and_dashboard_read(pool: asyncpg.Pool) -> None:
    await project(pool, History(11, people=150))
    want = await service.key_figures(pool, ReportFilter(), SETTINGS, fresh=False)
    assert want["participants_registered"] > 0 and want["open_seats"] > 0
    stop, seen = asyncio.Event(), []

    async def gauge_refresher() -> None:  # what `gauges.refresh_once` reads, without a pause
        while not stop.is_set():
            seen.append(await service.key_figures(pool, ReportFilter(), SETTINGS, fresh=False))

    async def dashboard() -> None:
        while not stop.is_set():
            seen.append(
                (await service.dashboard_figures(pool, ReportFilter(), SETTINGS))["summary"]
            )

    readers = [
        asyncio.ensure_future(job()) for job in (gauge_refresher, gauge_refresher, dashboard)
    ]
    aggregator = asyncio.ensure_future(run_aggregator(pool, SETTINGS))
    try:
        replayed = [await rebuild(pool, chunk=100, settings=SETTINGS) for _ in range(REBUILDS)]
    finally:
        stop.set()
        aggregator.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await aggregator
        done = await asyncio.gather(*readers, return_exceptions=True)
    assert [r for r in done if r is not None] == []  # no reader failed (no deadlock)
    assert len(set(replayed)) == 1 and replayed[0] > 0
    assert len(seen) > REBUILDS  # the readers really ran beside the rebuilds
    assert [f for f in seen if f != want] == []  # never a half-built model


def test_the_rebuild_command_succeeds_every_time_beside_the_running_service(
    stack_factory: type[Stack], migrated_database_url: str, redis_url: str, admin_key: str
) -> None:
    scenario = build(n=60)
    stack = stack_factory(reporting_gauge_refresh_seconds="0.05").start("reporting")  # type: ignore[call-arg]
    client = redis.Redis.from_url(redis_url)
    publish(client, scenario.events)
    client.close()
    with httpx.Client(base_url=stack["reporting"].url, headers=bearer(admin_key)) as api:
        wait_until(
            lambda: api.get("/v1/pipeline").json()["events_logged"] == len(scenario.events),
            timeout=60,
            what="reporting consumed the scenario",
        )
        live = api.get("/v1/reports/summary").json()
        env = {
            **os.environ,
            "POLKU_DATABASE_URL": migrated_database_url,
            "POLKU_REDIS_URL": redis_url,
        }
        for _ in range(REBUILDS):  # the gauges refresh every 50 ms meanwhile
            done = subprocess.run(
                [sys.executable, "-m", "polku.cli", "reporting", "rebuild", "--chunk", "50"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, done.stderr[-3000:]
        assert api.get("/v1/reports/summary").json() == live
    assert "Deadlock" not in stack["reporting"].log()
