"""Reporting's use cases: any named report, the headline figures and the dashboard's tables,
summed from the figure store (see aggregator.py) after it caught up with the events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg

from services.reporting import reports
from services.reporting.aggregator import catch_up
from services.reporting.domain import participant_file as esf_file
from services.reporting.domain import picture
from services.reporting.domain.esf import SEXES
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.privacy import suppress_row, suppress_summary
from services.reporting.reports import Reader
from services.reporting.repository import figure_queries, queries
from services.reporting.repository.projection import begin_reading
from services.reporting.settings import ReportingSettings
from services.reporting.snapshot_loader import load_facts

Rows = list[dict[str, Any]]

_SEX = frozenset({"total", "female", "male", "non_binary", "unknown", "not_reported"})
PEOPLE: dict[str, frozenset[str]] = {
    "summary": frozenset(),
    "indicators": _SEX,
    "activities": frozenset({"participants", "completed"}),
    "placements": frozenset({"count"}),
    "exits": frozenset({"participants"}),
    "caseloads": frozenset({"cases"}),
    "waiting-list": frozenset({"participants"}),
    "openings": frozenset(),
    "central-workshops": frozenset({"placements_started", "placements_ended"}),
    "unemployment": frozenset({"participants"}),
    "matches": frozenset({"proposed", "accepted"}),
    "timeseries": frozenset({"registrations", "placements_started", "employed_on_leaving"}),
    "follow-ups": frozenset({"participants"}),
    "meetings": frozenset({"participant_present", "participant_excused", "participant_no_show"}),
    "places": frozenset({"participants", "placements"}),
    "unemployment-structure": frozenset({"participants"}),
    "intermediate-labour-market": frozenset({"placements"}),
    "outcomes-by-activity": frozenset(
        {
            "participants",
            "employed_on_leaving",
            "in_education_on_leaving",
            "employed_six_months_after",
        }
    ),
}
"""Which columns of each report count people (for the '<5' rule)."""


@dataclass(frozen=True)
class Report:
    """A named table of figures and which of its columns count people."""

    build: reports.Builder
    people: frozenset[str]
    totals: dict[str, tuple[str, ...]] = field(default_factory=dict)


TOTALS: dict[str, dict[str, tuple[str, ...]]] = {"indicators": {"total": SEXES}}
"""Columns of a report that are the sum of others (for complementary suppression)."""

REPORTS: dict[str, Report] = {
    n: Report(reports.BUILDERS[n], PEOPLE[n], TOTALS.get(n, {})) for n in PEOPLE
}
"""Every report `/v1/reports/{name}` serves."""


def today() -> date:
    """Today in UTC."""
    return datetime.now(UTC).date()


@asynccontextmanager
async def reading(
    pool: asyncpg.Pool,
    f: ReportFilter,
    settings: ReportingSettings,
    *,
    fresh: bool = True,
    many: bool = False,
) -> AsyncIterator[Reader]:
    """The figure store, caught up with every committed event (unless `fresh` is False:
    as the background aggregator left it), in one consistent view (`many`: for many reports)."""
    if fresh:
        await catch_up(pool, settings)
    async with pool.acquire() as conn:
        tx = await begin_reading(conn)  # never half-way through a rebuild
        try:
            await figure_queries.plan_for_sums(conn)
            yield Reader(conn, f, today(), many=many)
        finally:
            if not conn.is_closed():
                await tx.rollback()  # read only: nothing to commit


async def build_report(
    pool: asyncpg.Pool, name: str, f: ReportFilter, settings: ReportingSettings
) -> Rows:
    """One named report over the current read model."""
    async with reading(pool, f, settings) as reader:
        return await REPORTS[name].build(reader, settings)


async def key_figures(
    pool: asyncpg.Pool, f: ReportFilter, settings: ReportingSettings, *, fresh: bool = True
) -> dict[str, Any]:
    """The headline figures as one object."""
    async with reading(pool, f, settings, fresh=fresh) as reader:
        return await reports.key_figures(reader, settings)


async def participant_file(
    pool: asyncpg.Pool, f: ReportFilter, settings: ReportingSettings
) -> Rows:
    """The ESF participant-level file: a row per participant taking part in the period."""
    async with reading(pool, f, settings) as reader:
        ids = await queries.participant_file_ids(
            reader.conn, start=f.start, end=f.end, municipality=f.municipality,
            risk_group=f.risk_group, organisation_id=f.organisation_id,
        )  # fmt: skip
        facts = await load_facts(reader.conn, ids)
    records = [fact.record for fact in facts if fact.record is not None]
    return esf_file.participant_rows(records, settings)


def external(name: str, rows: Rows, threshold: int) -> Rows:
    """Rows fit for outside the network: counts of people below the threshold as '<5', and
    the parts beside them that would give them away through a total as 'x'."""
    if name == "summary":
        figures_ = suppress_summary({r["figure"]: r["value"] for r in rows}, threshold)
        return [{"figure": k, "value": v} for k, v in figures_.items()]
    report = REPORTS[name]
    return [suppress_row(row, report.people, threshold, report.totals) for row in rows]


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
    """Key figures and the dashboard's tables, from one consistent view of the figure store."""
    async with reading(pool, f, settings, many=True) as reader:
        out: dict[str, Any] = {"summary": await reports.key_figures(reader, settings)}
        out["municipalities"] = await figure_queries.places(reader.conn)
        for name in DASHBOARD_REPORTS:
            out[name] = await REPORTS[name].build(reader, settings)
        return out


async def web_dashboard(
    pool: asyncpg.Pool, municipalities: list[str], settings: ReportingSettings, audience: str
) -> dict[str, Any]:
    """The web front's operator dashboard from one consistent view of the figure store: the
    network's key figures, and the map, structure, intermediate labour market, months and
    caseloads of the network, of one municipality, or of several (a sub-region) added up
    from each one's; every table as its `/v1/reports/{name}` gives it (`domain/picture.py`),
    counts of people under the threshold suppressed for an external audience."""
    one = municipalities[0] if len(municipalities) == 1 else None
    async with reading(pool, ReportFilter(), settings, many=True) as whole:
        figures = await reports.key_figures(whole, settings)
        tables: dict[str, Rows] = {}
        near = Reader(whole.conn, ReportFilter(municipality=one), whole.day)
        for name in picture.BY_PLACE:
            rows = await REPORTS[name].build(near, settings)
            tables[name] = picture.only(rows, municipalities) if len(municipalities) > 1 else rows
        for name in picture.ADDED:
            if not municipalities:
                tables[name] = await REPORTS[name].build(whole, settings)
                continue
            each = [
                await REPORTS[name].build(
                    Reader(whole.conn, ReportFilter(municipality=m), whole.day), settings
                )
                for m in municipalities
            ]
            tables[name] = picture.added(name, each)
    if audience == "external":
        figures = suppress_summary(figures, settings.small_count_threshold)
        tables = {
            n: external(n, rows, settings.small_count_threshold) for n, rows in tables.items()
        }
    return {"audience": audience, "municipalities": municipalities, "summary": figures,
            **{n.replace("-", "_"): rows for n, rows in tables.items()}}  # fmt: skip
