"""The figure store against the reference definitions: random histories projected in random
batches, aggregated in small rounds as they arrive (and all at once, as a rebuild does), give
every report exactly as computed from a whole snapshot, under every filter and on any day."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from uuid import uuid4

import asyncpg
import pytest
from random_network import PLACES, History

from services.reporting import service
from services.reporting.aggregator import aggregate_round, catch_up, recompute_all
from services.reporting.domain import reference
from services.reporting.domain.filters import ReportFilter
from services.reporting.projection import apply_events
from services.reporting.reports import Reader
from services.reporting.repository import figure_store as store
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_snapshot
from shared.db import create_pool

SETTINGS = ReportingSettings()
DAYS = (date(2025, 3, 31), date(2025, 8, 15), date(2026, 12, 1))


@pytest.fixture
async def pool(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(migrated_database_url, schema="reporting")
    try:
        yield p
    finally:
        await p.close()


async def project(pool: asyncpg.Pool, history: History, seed: int) -> None:
    """Events in random batches, each by type in one transaction, with small rounds between."""
    rng = random.Random(seed)
    events = list(history.events)
    rng.shuffle(events)  # streams interleave in any order; projections commute
    while events:
        batch = events[: rng.randint(1, 60)]
        del events[: len(batch)]
        async with pool.acquire() as conn, conn.transaction():
            by_type: dict[str, list[Any]] = {}
            for e in batch:
                by_type.setdefault(e.type, []).append(e)
            for group in by_type.values():
                await apply_events(conn, group)
        if rng.random() < 0.5:
            async with pool.acquire() as conn:
                newest = await store.last_dirty(conn)  # the background job settles notes
                up_to = rng.randint(0, newest) if newest and rng.random() < 0.5 else None
                await aggregate_round(conn, SETTINGS, limit=rng.randint(1, 40), up_to=up_to)


def filters(history: History) -> list[ReportFilter]:
    org, other = history.organisations[0], history.organisations[1]
    year = (date(2025, 1, 1), date(2025, 12, 31))
    return [
        ReportFilter(),
        ReportFilter(*year),
        ReportFilter(date(2025, 2, 17), date(2025, 4, 3)),
        ReportFilter(start=date(2025, 5, 2)),
        ReportFilter(end=date(2025, 6, 30)),
        ReportFilter(municipality=PLACES[0]),
        ReportFilter(risk_group="disability"),
        ReportFilter(organisation_id=org),
        ReportFilter(*year, municipality=PLACES[1], risk_group="long_term_unemployed"),
        ReportFilter(date(2025, 3, 10), date(2025, 9, 9), PLACES[2], other),
        ReportFilter(organisation_id=other, risk_group="single_parent"),
    ]


async def assert_same_as_reference(pool: asyncpg.Pool, history: History) -> None:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read"):
        snap = await load_snapshot(conn)
        for f in filters(history):
            for day in DAYS:
                many = Reader(conn, f, day, many=True)  # one reader for every report
                for name, rep in service.REPORTS.items():
                    want = reference.REPORTS[name](snap, f, SETTINGS, day)
                    assert await rep.build(Reader(conn, f, day), SETTINGS) == want, (name, f, day)
                    assert await rep.build(many, SETTINGS) == want, (name, f, day, "many")
    for f in filters(history)[:3] + filters(history)[-2:]:
        got_dash = await service.dashboard_figures(pool, f, SETTINGS)
        assert got_dash == reference.dashboard(snap, f, SETTINGS, service.today())


async def assert_the_new_figures_are_exercised(pool: asyncpg.Pool) -> None:
    """The history holds what the comparison should cover: own limits, work practice hours,
    leavers by activity."""
    f = ReportFilter()
    caseloads = await service.build_report(pool, "caseloads", f, SETTINGS)
    assert {r["capacity"] for r in caseloads} - {SETTINGS.support_worker_capacity}
    key = {
        r["figure"]: r["value"] for r in await service.build_report(pool, "summary", f, SETTINGS)
    }
    assert key["work_practice_hours"] > 0 and key["activity_hours"] > 0
    assert await service.build_report(pool, "outcomes-by-activity", f, SETTINGS)


async def nonzero_cube(pool: asyncpg.Pool) -> list[tuple[Any, ...]]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM figure_cube ORDER BY 1, 2, 3, 4, 5, 6")
        rows += await conn.fetch("SELECT * FROM figure_org_cube ORDER BY 1, 2, 3, 4, 5, 6")
        filled = await conn.fetch("SELECT * FROM opening_filled WHERE filled <> 0 ORDER BY 1")
    values = [tuple(r) for r in rows if any(v for v in tuple(r)[6:] if v)]
    return values + [tuple(r) for r in filled]


@pytest.mark.parametrize("seed", [11, 12])
async def test_every_report_equals_the_reference_incrementally_and_rebuilt(
    pool: asyncpg.Pool, seed: int
) -> None:
    history = History(seed, people=120)
    await project(pool, history, seed)
    await catch_up(pool, SETTINGS)
    await assert_same_as_reference(pool, history)
    await assert_the_new_figures_are_exercised(pool)
    live = await nonzero_cube(pool)
    async with pool.acquire() as conn, conn.transaction():
        await recompute_all(conn, SETTINGS, chunk=17)
    assert await nonzero_cube(pool) == live
    await assert_same_as_reference(pool, history)


async def test_changed_rules_recompute_the_store(pool: asyncpg.Pool) -> None:
    history = History(5, people=40)
    await project(pool, history, 5)
    stricter = ReportingSettings(long_term_months_25_plus=3, cr04_population="all")
    rows = await service.build_report(pool, "indicators", ReportFilter(), stricter)
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)
    want = reference.REPORTS["indicators"](snap, ReportFilter(), stricter, service.today())
    assert rows == want
    assert rows != reference.REPORTS["indicators"](snap, ReportFilter(), SETTINGS, service.today())


async def test_a_taken_participant_takes_all_their_notes_and_only_settled_ones_are_chosen(
    pool: asyncpg.Pool,
) -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    async with pool.acquire() as conn:
        for who in (a, b, a, c):
            await store.mark_dirty(conn, [who])
        seqs = [r[0] for r in await conn.fetch("SELECT seq FROM figure_dirty ORDER BY seq")]
        taken = await store.take_dirty(conn, 10, up_to=seqs[1])  # a and b are settled
        left = [r[0] for r in await conn.fetch("SELECT participant_id FROM figure_dirty")]
        assert sorted(map(str, taken)) == sorted(map(str, (a, b)))
        assert left == [c]  # a's later note went with a
        assert await store.take_dirty(conn, 10) == [c]
