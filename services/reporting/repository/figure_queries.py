"""Reads of the figure store: sums from the cube, or from the entries of one organisation's
participants; the waiting list, activity gaps and openings on a day."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.domain import layout
from services.reporting.domain.periods import bucket_ranges
from services.reporting.domain.sums import ALL_PLACES, FLAGGED, Ask, DayTotal, Sums, Tally


async def plan_for_sums(conn: asyncpg.Connection) -> None:
    """Plan each sum for its own figure, uncompiled, until this transaction ends."""
    # compiling costs more than these sums; and one statement serves every figure, so
    # a cached generic plan fitted to one figure's rows could be slow for another's
    await conn.execute("SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan")


@dataclass(frozen=True)
class Population:
    """Who a figure counts: a municipality, a risk group, an organisation (None: any)."""

    municipality: str | None = None
    risk_group: str | None = None
    organisation_id: UUID | None = None


class _Where:
    """A WHERE clause and its parameters, built up condition by condition."""

    def __init__(self, *args: Any) -> None:
        self.args: list[Any] = list(args)
        self.parts: list[str] = []

    def param(self, value: Any) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def add(self, sql: str) -> None:
        self.parts.append(sql)

    def sql(self) -> str:
        return " AND ".join(self.parts) or "true"


Where = _Where
"""For the reports read straight from fact tables (`direct_queries.py`)."""


def _people(w: _Where, who: Population, alias: str) -> None:
    if who.municipality is not None:
        w.add(f"{alias}.municipality = {w.param(who.municipality)}")
    if who.risk_group is not None:
        w.add(f"{alias}.riskmask & {w.param(layout.RISK_BIT[who.risk_group])} <> 0")


async def cube_sums(conn: asyncpg.Connection, ask: Ask, who: Population) -> Sums:
    """One ask from the cube (a municipality and a risk group, or everyone)."""
    assert who.organisation_id is None
    w = _Where(ask.figure)
    w.add("c.figure = $1")
    if who.municipality is None:
        w.add(f"c.municipality = '{ALL_PLACES}'")
    _people(w, who, "c")
    return await _bucket_sums(conn, "figure_cube", ask, w)


async def organisation_cube_sums(conn: asyncpg.Connection, ask: Ask, who: Population) -> Sums:
    """One ask from the organisation's sums (no municipality or risk group asked)."""
    assert who.organisation_id is not None and who.municipality is who.risk_group is None
    w = _Where(who.organisation_id, ask.figure)
    w.add("c.organisation_id = $1 AND c.figure = $2")
    if ask.here:
        w.add("c.here")
    return await _bucket_sums(conn, "figure_org_cube", ask, w)


async def _bucket_sums(conn: asyncpg.Connection, table: str, ask: Ask, w: _Where) -> Sums:
    ranges = bucket_ranges(ask.lo, ask.hi, by_month=ask.by_month)
    if not ranges:
        return {}
    spans = [f"(c.grain = '{r.grain}' AND c.bucket BETWEEN {w.param(r.first)} AND"
             f" {w.param(r.last)})" for r in ranges]  # fmt: skip
    w.add("(" + " OR ".join(spans) + ")")
    flagged = ask.figure in FLAGGED
    flags = "".join(f", sum(c.{f})::bigint" for f in layout.FLAGS) if flagged else ""
    month = "date_trunc('month', c.bucket)::date" if ask.by_month else "NULL::date"
    rows = await conn.fetch(
        f"SELECT c.k, {month}, sum(c.n)::bigint, sum(c.x1)::bigint, sum(c.x2)::bigint,"
        f" sum(c.hours){flags} FROM {table} c WHERE {w.sql()} GROUP BY 1, 2",
        *w.args,
    )
    out: Sums = {}
    for r in rows:
        tally = Tally(r[2], r[3], r[4], r[5])
        if flagged:
            tally.flags.update({f: v for f, v in zip(layout.FLAGS, r[6:], strict=True) if v})
        out[(r[0], r[1])] = tally
    return out


async def cube_cells(conn: asyncpg.Connection, ask: Ask, who: Population) -> Counter[str]:
    """One ask's weight n from the cube per k with its last part (the risk mask) cut off:
    what the reports that sum risk groups away need, summed by PostgreSQL (thousands of cells
    rather than tens of thousands of k's, no month)."""
    assert who.organisation_id is None
    w = _Where(ask.figure)
    w.add("c.figure = $1")
    if who.municipality is None:
        w.add(f"c.municipality = '{ALL_PLACES}'")
    _people(w, who, "c")
    ranges = bucket_ranges(ask.lo, ask.hi, by_month=ask.by_month)
    if not ranges:
        return Counter()
    spans = [f"(c.grain = '{r.grain}' AND c.bucket BETWEEN {w.param(r.first)} AND"
             f" {w.param(r.last)})" for r in ranges]  # fmt: skip
    w.add("(" + " OR ".join(spans) + ")")
    sep = w.param(layout.SEP)
    rows = await conn.fetch(
        f"SELECT left(c.k, length(c.k) - strpos(reverse(c.k), {sep})), sum(c.n)::bigint"
        f" FROM figure_cube c WHERE {w.sql()} GROUP BY 1",
        *w.args,
    )
    return Counter({r[0]: r[1] for r in rows})


async def population_ids(conn: asyncpg.Connection, who: Population) -> list[UUID]:
    """The organisation's participants in the municipality or risk group asked."""
    assert who.organisation_id is not None
    w = _Where(who.organisation_id)
    w.add("o.organisation_id = $1")
    _people(w, who, "o")
    rows = await conn.fetch(f"SELECT o.participant_id FROM participant_org o WHERE {w.sql()}",
                            *w.args)  # fmt: skip
    return [r[0] for r in rows]


async def population_days(
    conn: asyncpg.Connection, organisation_id: UUID, ids: list[UUID], figures: list[str]
) -> dict[str, list[DayTotal]]:
    """The figures' stored entries of these participants, summed per k, day, flags and whether
    at the organisation (read by participant id, one statement; `sums_of_days` answers asks)."""
    rows = await conn.fetch(
        "SELECT figure, k, on_day, at_org = $1, flags, sum(n)::bigint, sum(x1)::bigint,"
        " sum(x2)::bigint, sum(hours) FROM figure_entry"
        " WHERE participant_id = ANY($2::uuid[]) AND figure = ANY($3::text[])"
        " GROUP BY 1, 2, 3, 4, 5",
        organisation_id, ids, figures,
    )  # fmt: skip
    out: dict[str, list[DayTotal]] = {f: [] for f in figures}
    for r in rows:
        out[r[0]].append((r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]))
    return out


async def participant_sums(
    conn: asyncpg.Connection, asks: list[Ask], who: Population, ids: list[UUID]
) -> list[Sums]:
    """Every ask over the stored entries of these participants (`population_ids`), summed by
    PostgreSQL in one statement: what one report needs; a reader answering many reports
    reads `population_days` once instead."""
    assert who.organisation_id is not None
    asks_ = [(i, a) for i, a in enumerate(asks) if (a.lo or date.min) <= (a.hi or date.max)]
    rows = await conn.fetch(
        "WITH a AS (SELECT * FROM unnest($3::int[], $4::text[], $5::date[], $6::date[],"
        " $7::bool[], $8::bool[]) AS a(i, figure, lo, hi, by_month, here))"
        " SELECT a.i, e.k, CASE WHEN a.by_month THEN date_trunc('month', e.on_day)::date END,"
        " e.flags, sum(e.n)::bigint, sum(e.x1)::bigint, sum(e.x2)::bigint, sum(e.hours)"
        " FROM figure_entry e JOIN a ON a.figure = e.figure AND e.on_day BETWEEN a.lo AND a.hi"
        " AND (NOT a.here OR e.at_org = $1) WHERE e.participant_id = ANY($2::uuid[])"
        " GROUP BY 1, 2, 3, 4",
        who.organisation_id, ids, *_ask_columns([a for _, a in asks_], [i for i, _ in asks_]),
    )  # fmt: skip
    out: list[Sums] = [{} for _ in asks]
    for r in rows:
        tally = out[r[0]].setdefault((r[1], r[2]), Tally())
        tally.n, tally.x1, tally.x2 = tally.n + r[4], tally.x1 + r[5], tally.x2 + r[6]
        tally.hours += r[7]
        for name in layout.flag_names(r[3]):
            tally.flags[name] += r[4]
    return out


def _ask_columns(asks: list[Ask], ids: list[int]) -> list[list[Any]]:
    return [
        ids,
        [a.figure for a in asks],
        [a.lo or date.min for a in asks],
        [a.hi or date.max for a in asks],
        [a.by_month for a in asks],
        [a.here for a in asks],
    ]


def _org_join(w: _Where, who: Population, alias: str) -> str:
    if who.organisation_id is None:
        return ""
    return (f" JOIN participant_org o ON o.participant_id = {alias}.participant_id"
            f" AND o.organisation_id = {w.param(who.organisation_id)}")  # fmt: skip


async def waiting_on(
    conn: asyncpg.Connection, day: date, who: Population
) -> list[tuple[str, int, date]]:
    """Per municipality: how many wait for a support worker on `day`, and since when."""
    w = _Where(day)
    join = _org_join(w, who, "v")
    w.add("v.during @> $1::date")
    _people(w, who, "v")
    rows = await conn.fetch(
        f"SELECT v.municipality, count(*), min(v.waitlisted_on) FROM waiting_interval v{join}"
        f" WHERE {w.sql()} GROUP BY 1",
        *w.args,
    )
    return sorted((r[0], r[1], r[2]) for r in rows)


async def straddling_gaps(
    conn: asyncpg.Connection, first: date, last: date, who: Population
) -> Counter[tuple[str, bool]]:
    """Per activity type (and completed or not): gaps between activity days around the period."""
    w = _Where(asyncpg.Range(first, last, upper_inc=True))
    join = _org_join(w, who, "g")
    w.add("g.gap @> $1::daterange")
    _people(w, who, "g")
    rows = await conn.fetch(
        f"SELECT g.k, g.completed, count(*) FROM activity_gap g{join} WHERE {w.sql()}"
        " GROUP BY 1, 2",
        *w.args,
    )
    return Counter({(r[0], r[1]): r[2] for r in rows})


async def opening_rows(
    conn: asyncpg.Connection, day: date, who: Population
) -> list[dict[str, Any]]:
    """Openings open on `day` (of the municipality and organisation asked), their seats and
    the seats no placement going on now fills, by organisation kind and municipality."""
    w = _Where(day)
    w.add("o.posted_on <= $1 AND (c.closed_on IS NULL OR c.closed_on > $1)")  # network.open_on
    if who.municipality is not None:
        w.add(f"o.municipality = {w.param(who.municipality)}")
    if who.organisation_id is not None:
        w.add(f"o.organisation_id = {w.param(who.organisation_id)}")
    rows = await conn.fetch(
        "SELECT o.organisation_kind, o.municipality, count(*)::int AS openings,"
        " sum(o.seats)::int AS seats,"
        " sum(greatest(0, o.seats - coalesce(f.filled, 0)))::int AS open_seats"
        " FROM opening_fact o LEFT JOIN opening_closed c USING (opening_id)"
        f" LEFT JOIN opening_filled f USING (opening_id) WHERE {w.sql()} GROUP BY 1, 2",
        *w.args,
    )
    return sorted(
        (dict(r) for r in rows), key=lambda r: (r["organisation_kind"], r["municipality"])
    )


async def opening_use(conn: asyncpg.Connection, day: date, who: Population) -> list[dict[str, Any]]:
    """As `opening_rows`, with the placements going on now at the openings (`placements`)."""
    w = _Where(day)
    w.add("o.posted_on <= $1 AND (c.closed_on IS NULL OR c.closed_on > $1)")  # network.open_on
    if who.municipality is not None:
        w.add(f"o.municipality = {w.param(who.municipality)}")
    if who.organisation_id is not None:
        w.add(f"o.organisation_id = {w.param(who.organisation_id)}")
    rows = await conn.fetch(
        "SELECT o.organisation_kind, o.municipality, count(*)::int AS openings,"
        " sum(o.seats)::int AS seats, sum(coalesce(f.filled, 0))::int AS placements,"
        " sum(greatest(0, o.seats - coalesce(f.filled, 0)))::int AS open_seats"
        " FROM opening_fact o LEFT JOIN opening_closed c USING (opening_id)"
        f" LEFT JOIN opening_filled f USING (opening_id) WHERE {w.sql()} GROUP BY 1, 2",
        *w.args,
    )
    return sorted(
        (dict(r) for r in rows), key=lambda r: (r["organisation_kind"], r["municipality"])
    )


async def places(conn: asyncpg.Connection) -> list[str]:
    """Every municipality of a participant or an opening."""
    rows = await conn.fetch(
        f"SELECT DISTINCT municipality FROM figure_cube WHERE figure = '{layout.ENTRY}'"
        f" AND grain = 'y' AND municipality <> '{ALL_PLACES}' AND n > 0"
        " UNION SELECT municipality FROM opening_fact"
    )
    return sorted(r[0] for r in rows)
