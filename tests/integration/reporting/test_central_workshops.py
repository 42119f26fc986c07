"""Figures by central workshop: matching's organisation events carry the central workshop a
satellite belongs to; reporting groups openings and placements by it (newest state wins)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from reporting_scenario import START, Scenario, build

from services.reporting import service
from services.reporting.domain import reference
from services.reporting.domain.filters import ReportFilter
from services.reporting.projection import apply_events
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_snapshot
from shared.db import create_pool
from shared.events import matching as mt

SETTINGS = ReportingSettings()


@pytest.fixture
async def pool(migrated_database_url: str) -> AsyncIterator[asyncpg.Pool]:
    p = await create_pool(migrated_database_url, schema="reporting")
    try:
        yield p
    finally:
        await p.close()


def network(sc: Scenario) -> None:
    """Organisation 0 is a central workshop; 1 and 2 its satellites, until 2 leaves it (the
    newer event arrives first); 3 is an employer."""
    central, one, two, employer = sc.organisations
    fields = {"municipality": "Rapla vald"}
    sc.emit(mt.OrganisationUpdated(organisation_id=two, name="Kaks", kind="satellite_workshop",
                                   **fields), START + timedelta(days=9))  # fmt: skip
    sc.emit(mt.OrganisationRegistered(organisation_id=central, name="Keskus",
                                      kind="central_workshop", **fields), START)  # fmt: skip
    for org, name in ((one, "Üks"), (two, "Kaks")):
        sc.emit(mt.OrganisationRegistered(organisation_id=org, name=name, kind="satellite_workshop",
                                          central_workshop_id=central, **fields), START)  # fmt: skip
    sc.emit(mt.OrganisationRegistered(organisation_id=employer, name="Firma", kind="employer",
                                      **fields), START)  # fmt: skip


async def test_figures_grouped_by_central_workshop(pool: asyncpg.Pool) -> None:
    sc = build(n=60, seed=11)
    network(sc)
    async with pool.acquire() as conn:
        for i in range(0, len(sc.events), 50):
            async with conn.transaction():
                await apply_events(conn, sc.events[i : i + 50])
    central, one, two, _ = sc.organisations
    day = date(2025, 6, 30)
    asks = [
        ReportFilter(),
        ReportFilter(date(2025, 2, 1), day),
        ReportFilter(organisation_id=one),
        ReportFilter(organisation_id=two),
        ReportFilter(municipality="Kohila vald"),
        ReportFilter(end=day, risk_group="disability"),
    ]
    got = {f: await service.build_report(pool, "central-workshops", f, SETTINGS) for f in asks}
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)

    rows = got[ReportFilter()]
    assert [(r["central_workshop_id"], r["satellites"]) for r in rows] == [(str(central), 1)]
    assert rows[0]["central_workshop"] == "Keskus"
    assert got[ReportFilter(organisation_id=one)] == rows  # a satellite's group is its central's
    assert got[ReportFilter(organisation_id=two)] == []  # it left: in no group now
    members = (central, one)
    for f in asks:
        assert got[f] == reference.REPORTS["central-workshops"](snap, f, SETTINGS, service.today())
        if got[f]:
            ((row,),) = [got[f]]
            assert row == await _summed(pool, f, members)
    assert rows[0]["placements_started"] > 0 and rows[0]["openings"] > 0


async def _summed(pool: asyncpg.Pool, f: ReportFilter, members: tuple[Any, ...]) -> dict[str, Any]:
    """The group's row as the openings and placements reports of each member give it."""
    sums = {"openings": 0, "seats": 0, "open_seats": 0, "placements_started": 0,
            "placements_ended": 0}  # fmt: skip
    for member in members:
        at = replace(f, organisation_id=member)
        for r in await service.build_report(pool, "openings", at, SETTINGS):
            for c in ("openings", "seats", "open_seats"):
                sums[c] += r[c]
        for r in await service.build_report(pool, "placements", at, SETTINGS):
            key = "placements_started" if r["placements"] == "started" else "placements_ended"
            sums[key] += r["count"]
    first = await service.build_report(pool, "central-workshops", f, SETTINGS)
    return {
        k: first[0][k] for k in ("central_workshop_id", "central_workshop", "satellites")
    } | sums
