"""Reporting's use cases: load the read model as values, and build any named report."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from services.reporting.domain import figures, network, structure
from services.reporting.domain.esf import indicator_table
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.privacy import suppress_row, suppress_summary
from services.reporting.domain.snapshot import Snapshot
from services.reporting.repository import queries
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_snapshot

Rows = list[dict[str, Any]]
Builder = Callable[[Snapshot, ReportFilter, ReportingSettings, date], Rows]


@dataclass(frozen=True)
class Report:
    """A named table of figures and which of its columns count people."""

    build: Builder
    people: frozenset[str]


def _indicators(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    """Output indicators over entries in the period; results over exits in the period."""
    entrants = figures.registered(snap, f)
    leavers = figures.exited(snap, f)
    rows = indicator_table(entrants, s)
    results = {r["code"]: r for r in indicator_table(leavers, s)}
    return [r if r["kind"] == "output" else results[r["code"]] for r in rows]


def _caseloads(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    people = figures.admitted(snap, f)
    day = f.end or today
    return network.caseload_rows(
        people, day, s.support_worker_capacity, figures.is_active, figures.is_waiting
    )


def _waiting(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    return network.waiting_rows(figures.admitted(snap, f), f.end or today, figures.is_waiting)


def _summary(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    return [{"figure": k, "value": v} for k, v in figures.key_figures(snap, f, s, today).items()]


_SEX = frozenset({"total", "female", "male", "non_binary", "unknown", "not_reported"})
REPORTS: dict[str, Report] = {
    "summary": Report(_summary, frozenset()),
    "indicators": Report(_indicators, _SEX),
    "activities": Report(
        lambda sn, f, s, t: figures.activity_rows(sn, f), frozenset({"participants", "completed"})
    ),
    "placements": Report(lambda sn, f, s, t: figures.placement_rows(sn, f), frozenset({"count"})),
    "exits": Report(lambda sn, f, s, t: figures.exit_rows(sn, f), frozenset({"participants"})),
    "caseloads": Report(_caseloads, frozenset({"cases"})),
    "waiting-list": Report(_waiting, frozenset({"participants"})),
    "openings": Report(lambda sn, f, s, t: network.opening_rows(sn, f, f.end or t), frozenset()),
    "unemployment": Report(
        lambda sn, f, s, t: structure.unemployment_rows(figures.registered(sn, f)),
        frozenset({"participants"}),
    ),
    "matches": Report(
        lambda sn, f, s, t: structure.match_rows(sn, f, figures.admitted(sn, f)),
        frozenset({"proposed", "accepted"}),
    ),
    "timeseries": Report(
        lambda sn, f, s, t: network.timeseries_rows(sn, f, figures.admitted(sn, f)),
        frozenset({"registrations", "placements_started", "employed_on_leaving"}),
    ),
}
"""Every report `/v1/reports/{name}` serves."""


def today() -> date:
    """Today in UTC."""
    return datetime.now(UTC).date()


async def build_report(
    pool: asyncpg.Pool, name: str, f: ReportFilter, settings: ReportingSettings
) -> Rows:
    """One named report over the current read model."""
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)
    # Figures are pure CPU work: a thread keeps the event consumer answering meanwhile.
    return await asyncio.to_thread(REPORTS[name].build, snap, f, settings, today())


async def key_figures(
    pool: asyncpg.Pool, f: ReportFilter, settings: ReportingSettings
) -> dict[str, Any]:
    """The headline figures as one object."""
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)
    return await asyncio.to_thread(figures.key_figures, snap, f, settings, today())


def external(name: str, rows: Rows, threshold: int) -> Rows:
    """Rows fit for outside the network: counts of people below the threshold as '<5'."""
    if name == "summary":
        figures_ = suppress_summary({r["figure"]: r["value"] for r in rows}, threshold)
        return [{"figure": k, "value": v} for k, v in figures_.items()]
    return [suppress_row(row, REPORTS[name].people, threshold) for row in rows]


async def participant_count(pool: asyncpg.Pool) -> int:
    """Participants the read model knows (the walking skeleton's figure)."""
    async with pool.acquire() as conn:
        return await queries.participant_count(conn)


DASHBOARD_REPORTS = (
    "timeseries",
    "caseloads",
    "waiting-list",
    "activities",
    "openings",
    "indicators",
)
"""The tables the dashboard shows beside the key figures."""


async def dashboard_figures(
    pool: asyncpg.Pool, f: ReportFilter, settings: ReportingSettings
) -> dict[str, Any]:
    """Key figures and the dashboard's tables, from one snapshot of the read model."""
    async with pool.acquire() as conn:
        snap = await load_snapshot(conn)
    return await asyncio.to_thread(_dashboard_figures, snap, f, settings, today())


def _dashboard_figures(
    snap: Snapshot, f: ReportFilter, settings: ReportingSettings, day: date
) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": figures.key_figures(snap, f, settings, day)}
    out["municipalities"] = sorted(
        {p.municipality for p in snap.participants} | {o.municipality for o in snap.openings}
    )
    for name in DASHBOARD_REPORTS:
        out[name] = REPORTS[name].build(snap, f, settings, day)
    return out
