"""Reporting's consumer cost per event, before and after the figure store, the aggregator's
per participant, and the service as a process. The intake flow's events (participant.registered, caseplan.opened, then
caseplan.worker_assigned or caseplan.waitlisted) through `projection.apply_events` on a real
database, in batches of 200 of one type, each in one transaction as the consumer applies them."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import psutil

from bench.common import Figure, admin_headers
from services.reporting import aggregator
from services.reporting.projection import apply_events
from services.reporting.repository import figure_store
from services.reporting.settings import ReportingSettings
from shared.events import Envelope, new_event
from shared.events import caseplan as cp
from shared.events import intake as ik
from shared.migrate import migrate
from tests.support.servers import RedisServer, Stack, create_database, drop_database

BATCH = 200


def intake_events(intakes: int) -> list[list[Envelope[Any]]]:
    """Batches of one type, as the streams deliver them: registrations, openings, assignments."""
    day, at = date(2026, 11, 30), datetime(2026, 11, 30, 12, tzinfo=UTC)
    kinds: dict[str, list[Envelope[Any]]] = {"registered": [], "opened": [], "next": []}
    for i in range(intakes):
        pid, plan = uuid4(), uuid4()
        registered = ik.ParticipantRegistered(
            participant_id=pid, municipality=f"m{i % 6}", registered_on=day, age_at_entry=20 + i % 40,
            sex=("female", "male")[i % 2], risk_groups=["disability"] if i % 3 else [],
        )  # fmt: skip
        kinds["registered"].append(new_event(registered, producer="bench", occurred_at=at))
        opened = cp.CaseplanOpened(participant_id=pid, case_plan_id=plan, municipality="m",
                                   opened_on=day, planned_end_on=day + timedelta(days=180))  # fmt: skip
        kinds["opened"].append(new_event(opened, producer="bench", occurred_at=at))
        nxt: Any = (
            cp.CaseplanWaitlisted(participant_id=pid, case_plan_id=plan, waitlisted_on=day)
            if i % 10 == 0
            else cp.CaseplanWorkerAssigned(participant_id=pid, case_plan_id=plan,
                                           support_worker_id=uuid4(), assigned_on=day)
        )  # fmt: skip
        kinds["next"].append(new_event(nxt, producer="bench", occurred_at=at))
    batches = []
    for events in kinds.values():
        for i in range(0, len(events), BATCH):
            run = events[i : i + BATCH]
            by_type: dict[str, list[Envelope[Any]]] = {}
            for e in run:
                by_type.setdefault(e.type, []).append(e)
            batches += list(by_type.values())
    return batches


@contextmanager
def no_notes() -> Iterator[None]:
    """The projection as it was: nothing noted for the aggregator."""
    real = figure_store.mark_dirty

    async def skip(conn: asyncpg.Connection, ids: Any) -> None:
        return None

    figure_store.mark_dirty = skip  # type: ignore[assignment]
    try:
        yield
    finally:
        figure_store.mark_dirty = real  # type: ignore[assignment]


async def _clock(work: Callable[[], Awaitable[None]]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    await work()
    return time.perf_counter() - wall, time.process_time() - cpu


async def _project(pool: asyncpg.Pool, batches: list[list[Envelope[Any]]]) -> None:
    for batch in batches:
        async with pool.acquire() as conn, conn.transaction():
            await apply_events(conn, batch)


async def consumer_costs(intakes: int = 20_000) -> list[Figure]:
    """Events/s and CPU per event through apply_events without and with notes; aggregator."""
    batches = intake_events(intakes)
    events = sum(len(b) for b in batches)
    out = []
    settings = ReportingSettings()
    runs = (("projection as before (no notes)", False),
            ("projection + notes for the aggregator", True))  # fmt: skip
    for label, notes in runs + runs:  # A, B, A, B: the machine's drift shows in both
        dsn = await create_database()
        try:
            await migrate(dsn, ["reporting"])
            pool = await asyncpg.create_pool(dsn, min_size=1, max_size=2,
                                             server_settings={"search_path": "reporting"})  # fmt: skip
            async with pool.acquire() as conn:  # the store computed once, as a service starts
                await aggregator.aggregate_round(conn, settings)
            if notes:
                wall, cpu = await _clock(lambda p=pool: _project(p, batches))
            else:
                with no_notes():
                    wall, cpu = await _clock(lambda p=pool: _project(p, batches))
            out.append(Figure(f"consumer: {label}", events / wall, "events/s",
                              note=f"{cpu / events * 1e6:.0f} us CPU/event in Python; {events} events"))  # fmt: skip
            if notes and len(out) < 3:
                out.append(await _aggregate(pool, settings, intakes, events))
            await pool.close()
        finally:
            await drop_database(dsn)
    return out


async def _aggregate(
    pool: asyncpg.Pool, settings: ReportingSettings, intakes: int, events: int
) -> Figure:
    async def rounds() -> None:
        async with pool.acquire() as conn:
            while await aggregator.aggregate_round(conn, settings):
                pass

    wall, cpu = await _clock(rounds)
    return Figure("aggregator: participants recomputed", intakes / wall, "participants/s",
                  note=f"{cpu / intakes * 1e6:.0f} us CPU/participant in Python, "
                       f"{wall / events * 1e6:.0f} us wall per event; rounds of "
                       f"{aggregator.ROUND_SIZE}")  # fmt: skip


async def service_process(dsn: str, seconds: float = 30) -> list[Figure]:
    """The reporting service as a process over the filled database: its RSS while it refreshes
    its gauges, aggregates and answers every report over HTTP (no filter, a municipality, an
    organisation), and the slowest answer."""
    redis = RedisServer().start()
    stack = Stack(dsn, redis.url, Path(tempfile.mkdtemp(prefix="polku-bench-")))
    try:
        sp = stack.start("reporting")["reporting"]
        assert sp.proc is not None
        proc = psutil.Process(sp.proc.pid)
        started_mb = proc.memory_info().rss / 2**20
        peak, slowest, calls = started_mb, (0.0, ""), 0
        params = [{}, {"municipality": "Narva linn"},
                  {"organisation": "00000000-0000-4000-a000-000000000007"}]  # fmt: skip
        deadline = time.perf_counter() + seconds
        async with httpx.AsyncClient(
            base_url=sp.url, headers=await admin_headers(dsn), timeout=120
        ) as client:
            while time.perf_counter() < deadline or calls == 0:
                for query in params:
                    for path in [*(f"/v1/reports/{n}" for n in _REPORTS), "/v1/dashboard"]:
                        began = time.perf_counter()
                        answer = await client.get(path, params=query)
                        answer.raise_for_status()
                        ms = (time.perf_counter() - began) * 1000
                        slowest = max(slowest, (ms, f"{path} {query}"))
                        calls += 1
                        peak = max(peak, proc.memory_info().rss / 2**20)
                await asyncio.sleep(1)
                peak = max(peak, proc.memory_info().rss / 2**20)
    finally:
        stack.stop()
        redis.stop()
    return [
        Figure("reporting service: RSS at start", started_mb, "MB"),
        Figure("reporting service: peak RSS", peak, "MB", "< 300",
               f"over {calls} HTTP calls in {seconds:.0f} s with its gauges and aggregator"),
        Figure("reporting service: slowest HTTP answer", slowest[0], "ms", "< 200", slowest[1]),
    ]  # fmt: skip


_REPORTS = ("summary", "indicators", "activities", "placements", "exits", "caseloads",
            "waiting-list", "openings", "unemployment", "matches", "timeseries")  # fmt: skip
