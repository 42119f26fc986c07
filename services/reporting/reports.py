"""Every report built from the figure store's sums, with the rows the reference definitions
(`domain.figures`, `network`, `structure`, `esf` over a whole snapshot) give."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.reporting.domain import figures, layout, network, outcomes
from services.reporting.domain.central import central_groups, central_row
from services.reporting.domain.contributions import UNEMPLOYMENT_PARTS
from services.reporting.domain.esf import SEXES, all_indicators, indicator_row_of, sex_of
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.follow_ups import follow_up_table
from services.reporting.domain.layout import SEP
from services.reporting.domain.meetings import meeting_table
from services.reporting.domain.periods import ONE_DAY
from services.reporting.domain.places import (
    STRUCTURE_PARTS,
    place_table,
    structure_table,
    use_table,
)
from services.reporting.domain.record import ParticipantRecord
from services.reporting.domain.structure import DIMENSIONS, match_table, unemployment_table
from services.reporting.domain.sums import Ask, DayTotal, Sums, Tally, by_k, sums_of_days, total
from services.reporting.repository import direct_queries, organisation_queries, queries
from services.reporting.repository import figure_queries as q
from services.reporting.repository.figure_queries import Population
from services.reporting.settings import ReportingSettings

Rows = list[dict[str, Any]]


class Reader:
    """The figure store as one filter sees it, inside one read-only transaction."""

    def __init__(
        self, conn: asyncpg.Connection, f: ReportFilter, today: date, *, many: bool = False
    ) -> None:
        self.conn, self.f, self.many = conn, f, many
        self.day = f.end or today
        self.who = Population(f.municipality, f.risk_group, f.organisation_id)
        self._ids: list[UUID] | None = None
        self._days: dict[str, list[DayTotal]] = {}
        self.cells: dict[Ask, Counter[tuple[str, ...]]] = {}
        """The unemployment cube's cells by ask, read once (`_unemployment_cells`)."""

    async def sums(self, *asks: Ask) -> list[Sums]:
        """Each ask's sums: from the cube, the organisation's cube, or (an organisation with a
        municipality or risk group) that organisation's participants' stored entries: summed
        by PostgreSQL per call, or, for a reader of `many` reports (the dashboard asks the same
        figures nine times), read once per figure as day totals and summed here."""
        who = self.who
        if who.organisation_id is None:
            return [await q.cube_sums(self.conn, ask, who) for ask in asks]
        if who.municipality is None and who.risk_group is None:
            return [await q.organisation_cube_sums(self.conn, ask, who) for ask in asks]
        if self._ids is None:
            self._ids = await q.population_ids(self.conn, who)
        if not self.many:
            return await q.participant_sums(self.conn, list(asks), who, self._ids)
        missing = sorted({a.figure for a in asks} - self._days.keys())
        if missing:
            self._days |= await q.population_days(
                self.conn, who.organisation_id, self._ids, missing
            )
        return [sums_of_days(self._days[a.figure], a) for a in asks]

    def period(self, figure: str, **how: bool) -> Ask:
        """The figure's entries dated in the filter's period."""
        return Ask(figure, self.f.start, self.f.end, **how)

    def until(self, figure: str, day: date | None) -> Ask:
        """The figure's entries dated up to `day` (a state on the day after the last)."""
        return Ask(figure, None, day)


async def key_figures(r: Reader, s: ReportingSettings) -> dict[str, Any]:
    """The headline figures; states (active, waiting) are as of the period's end or today."""
    entry, leave, later, start, end, active, hours, practice = await r.sums(
        r.period(layout.ENTRY), r.period(layout.EXIT), r.period(layout.FOLLOW_UP),
        r.period(layout.PLACEMENT_START, here=True), r.period(layout.PLACEMENT_END, here=True),
        r.until(layout.ACTIVE, r.day), r.period(layout.HOURS),
        r.period(layout.WORK_PRACTICE_HOURS),
    )  # fmt: skip
    e, x, ends = total(entry), total(leave), by_k(end)
    return {
        "participants_registered": e.n,
        "active_cases": total(active).n,
        "waiting_list": sum(n for _, n, _ in await q.waiting_on(r.conn, r.day, r.who)),
        "placements_started": total(start).n,
        "placements_completed": ends.get("completed", Tally()).n,
        "placements_ended_by_hire": ends.get("hired", Tally()).n,
        "participants_exited": x.n,
        "employed_on_leaving": x.flags["employed_on_leaving"],
        "employed_six_months_after": total(later).n,
        "participants_placed": e.flags["placed"],
        "average_days_to_first_placement": _average(e.x1, e.flags["placed"]),
        "participants_employed": e.flags["employed"],
        "average_days_to_employment": _average(e.x2, e.flags["employed"]),
        **figures.hours_line(total(hours).hours, total(practice).hours),
        "open_seats": sum(row["open_seats"] for row in await openings(r, s)),
        "as_of": r.day.isoformat(),
    }


def _average(days: int, people: int) -> float | None:
    return round(float(days) / people, 1) if people else None  # as statistics.fmean


async def summary(r: Reader, s: ReportingSettings) -> Rows:
    """The headline figures as rows."""
    return [{"figure": k, "value": v} for k, v in (await key_figures(r, s)).items()]


async def indicators(r: Reader, s: ReportingSettings) -> Rows:
    """Output indicators over entries in the period; results over exits in the period."""
    entries, exits = await r.sums(r.period(layout.ENTRY), r.period(layout.EXIT))
    rows = []
    for ind in all_indicators():
        sums = by_k(entries if ind.kind == "output" else exits)
        by_sex = dict.fromkeys(SEXES, 0)
        for sex, tally in sums.items():
            by_sex[sex_of(sex)] += tally.flags[ind.code.lower()]
        refused = sum(t.flags["refused"] for t in sums.values())
        rows.append(indicator_row_of(ind, by_sex, refused))
    return rows


async def activities(r: Reader, s: ReportingSettings) -> Rows:
    """Participants per activity type (and how many completed it), hours by activity type."""
    start, end = r.f.start, r.f.end
    before = None if start is None or start == date.min else start - ONE_DAY
    first, last, done_first, done_last, hours = map(by_k, await r.sums(
        r.until(layout.ACTIVITY_FIRST, end), r.until(layout.ACTIVITY_LAST, before),
        r.until(layout.COMPLETED_FIRST, end), r.until(layout.COMPLETED_LAST, before),
        r.period(layout.HOURS),
    ))  # fmt: skip
    if before is None:  # no day is before an unbounded period
        last, done_last = {}, {}
    gaps: Counter[tuple[str, bool]] = Counter()
    if start is not None and end is not None:
        gaps = await q.straddling_gaps(r.conn, start, end, r.who)

    def people(t: str, lo: dict[str, Tally], hi: dict[str, Tally], completed: bool) -> int:
        # having a day in the period = a first day by its end, minus those whose last day
        # is before it, minus those whose days jump over it
        return _n(lo, t) - _n(hi, t) - gaps[(t, completed)]

    rows = []
    for t in sorted(set(first) | set(hours)):
        who, logs = people(t, first, last, False), _n(hours, t)
        if who > 0 or logs > 0:
            done = people(t, done_first, done_last, True)
            spent = round(float(hours[t].hours), 2) if t in hours else 0.0
            rows.append({"activity_type": t, "participants": who, "completed": done,
                         "hours": spent})  # fmt: skip
    return rows


def _n(sums: dict[str, Tally], k: str) -> int:
    return sums[k].n if k in sums else 0


async def outcomes_by_activity(r: Reader, s: ReportingSettings) -> Rows:
    """Per activity type, the participants who left in the period having taken part in it,
    and how many of them were employed or in education on leaving, employed six months after
    (`domain/outcomes.py`)."""
    (left,) = await r.sums(r.period(layout.ACTIVITY_OUTCOME))
    counts = {
        t: {"participants": c.n, "employed_on_leaving": c.flags["employed_on_leaving"],
            "in_education_on_leaving": c.x1, "employed_six_months_after": c.x2}
        for t, c in by_k(left).items()
    }  # fmt: skip
    return outcomes.outcome_table(counts)


async def placements(r: Reader, s: ReportingSettings) -> Rows:
    """Placements started, completed, ended by hire, dropped out, ended by the organisation."""
    started, ended = await r.sums(
        r.period(layout.PLACEMENT_START, here=True), r.period(layout.PLACEMENT_END, here=True)
    )
    counts = {k: t.n for k, t in by_k(ended).items()}
    counts["started"] = total(started).n
    names = ("started", "completed", "hired", "dropped_out", "ended_by_organisation")
    return [{"placements": name, "count": int(counts.get(name, 0))} for name in names]


async def exits(r: Reader, s: ReportingSettings) -> Rows:
    """Participants who left in the period, by outcome."""
    (outcomes,) = await r.sums(r.period(layout.EXIT_OUTCOME))
    counts = {k: t.n for k, t in by_k(outcomes).items() if t.n}
    return [{"outcome": k, "participants": v} for k, v in sorted(counts.items())]


async def caseloads(r: Reader, s: ReportingSettings) -> Rows:
    """Active cases per support worker on the day, and how full each caseload is."""
    (held,) = await r.sums(r.until(layout.CASELOAD, r.day))
    cases = Counter({k: t.n for k, t in by_k(held).items() if t.n})
    own = await queries.worker_limits(r.conn, list(cases))
    return network.caseload_table(cases, network.Limits(own, s.support_worker_capacity))


async def waiting_list(r: Reader, s: ReportingSettings) -> Rows:
    """The waiting list by municipality: how many wait and the longest wait in days."""
    return [
        {"municipality": m, "participants": n, "longest_wait_days": (r.day - since).days}
        for m, n, since in await q.waiting_on(r.conn, r.day, r.who)
    ]


async def openings(r: Reader, s: ReportingSettings) -> Rows:
    """Openings, seats and open seats by organisation kind and municipality on the day."""
    return await q.opening_rows(r.conn, r.day, r.who)


def _groups_of(mask: int) -> list[str]:
    """DIMENSIONS' risk-group values of a participant with these risk groups."""
    record = ParticipantRecord(UUID(int=0), date.min, risk_groups=layout.risk_groups(mask))
    return list(DIMENSIONS["risk_group"](record))


async def unemployment(r: Reader, s: ReportingSettings) -> Rows:
    """Participants who entered in the period by risk group, age band, ISCED level, months
    unemployed and municipality."""
    (parts,) = await r.sums(r.period(layout.UNEMPLOYMENT))
    counts: dict[str, Counter[str]] = {d: Counter() for d in DIMENSIONS}
    for k, tally in by_k(parts).items():
        *values, mask = k.split(SEP)
        for dimension, value in zip(UNEMPLOYMENT_PARTS, values, strict=True):
            counts[dimension][value] += tally.n
        for group in _groups_of(int(mask)):
            counts["risk_group"][group] += tally.n
    return unemployment_table(counts)


async def matches(r: Reader, s: ReportingSettings) -> Rows:
    """Matches proposed and accepted by sex, age band and risk group (the fairness view)."""
    (found,) = await r.sums(r.period(layout.MATCH, here=True))
    proposed = {d: Counter[str]() for d in ("sex", "age_band", "risk_group")}
    accepted = {d: Counter[str]() for d in ("sex", "age_band", "risk_group")}
    for k, tally in by_k(found).items():
        sex, band, mask = k.split(SEP)
        for dimension, values in (("sex", [sex]), ("age_band", [band]),
                                  ("risk_group", _groups_of(int(mask)))):  # fmt: skip
            for v in values:
                proposed[dimension][v] += tally.n
                accepted[dimension][v] += tally.x1
    return match_table(proposed, accepted)


async def timeseries(r: Reader, s: ReportingSettings) -> Rows:
    """Registrations, placements started and employment outcomes per month."""
    entries, started, leavers = await r.sums(
        r.period(layout.ENTRY, by_month=True), r.period(layout.PLACEMENT_START, by_month=True),
        r.period(layout.EXIT, by_month=True),
    )  # fmt: skip
    series: dict[str, Counter[str]] = {}
    for name, sums, value in (("registrations", entries, lambda t: t.n),
                              ("placements_started", started, lambda t: t.n),
                              ("employed_on_leaving", leavers,
                               lambda t: t.flags["exit_employed"])):  # fmt: skip
        for (_, month), tally in sums.items():
            assert month is not None
            series.setdefault(network.month(month), Counter())[name] += value(tally)
    names = ("registrations", "placements_started", "employed_on_leaving")
    return [
        {"month": m, **{n: series[m][n] for n in names}}
        for m in sorted(series)
        if any(series[m][n] for n in names)
    ]


async def central_workshops(r: Reader, s: ReportingSettings) -> Rows:
    """Each central workshop with its satellites: openings, seats and open seats on the day,
    placements started and ended in the period, summed over the group's organisations."""
    rows = []
    for group in central_groups(
        await organisation_queries.organisations(r.conn), r.f.organisation_id
    ):
        opening_rows, placement_rows = [], []
        for member in group.members:
            sub = Reader(r.conn, replace(r.f, organisation_id=member), r.day)
            opening_rows += await openings(sub, s)
            placement_rows += await placements(sub, s)
        rows.append(central_row(group, opening_rows, placement_rows))
    return rows


async def follow_ups(r: Reader, s: ReportingSettings) -> Rows:
    """The six-month follow-ups due in the period by outcome; `unknown`: not collected (the
    participant withdrew consent to follow-up contact), `pending`: not recorded yet."""
    counts = await direct_queries.follow_up_counts(r.conn, r.f.start, r.f.end, r.who)
    return follow_up_table(counts)


async def meetings(r: Reader, s: ReportingSettings) -> Rows:
    """Meetings by month and kind: scheduled, held, cancelled, participants' attendance and
    no-show rate (`domain/meetings.py`)."""
    return meeting_table(await direct_queries.meeting_counts(r.conn, r.f.start, r.f.end, r.who))


async def _unemployment_cells(r: Reader) -> Counter[tuple[str, ...]]:
    """Participants who entered in the period by the cube's parts (age band, ISCED level,
    months unemployed, municipality), risk groups summed away (once per reader: the map and
    the structure both ask)."""
    ask = r.period(layout.UNEMPLOYMENT)
    if ask in r.cells:
        return r.cells[ask]
    cells: Counter[tuple[str, ...]] = Counter()
    if r.who.organisation_id is None:  # summed by PostgreSQL, the risk mask cut off
        for k, n in (await q.cube_cells(r.conn, ask, r.who)).items():
            cells[tuple(k.split(SEP))] += n
    else:
        (parts,) = await r.sums(ask)
        for k, tally in by_k(parts).items():
            *values, _ = k.split(SEP)
            cells[tuple(values)] += tally.n
    r.cells[ask] = cells
    return cells


async def places(r: Reader, s: ReportingSettings) -> Rows:
    """Per municipality: participants who entered in the period, open seats and placements
    going on at its openings on the day (the map)."""
    participants: Counter[str] = Counter()
    for values, n in (await _unemployment_cells(r)).items():
        participants[dict(zip(UNEMPLOYMENT_PARTS, values, strict=True))["municipality"]] += n
    return place_table(participants, await q.opening_use(r.conn, r.day, r.who))


async def unemployment_structure(r: Reader, s: ReportingSettings) -> Rows:
    """Participants who entered in the period by municipality × age band × months
    unemployed × ISCED level."""
    cells: Counter[tuple[str, ...]] = Counter()
    for values, n in (await _unemployment_cells(r)).items():
        named = dict(zip(UNEMPLOYMENT_PARTS, values, strict=True))
        cells[tuple(named[d] for d in STRUCTURE_PARTS)] += n
    return structure_table(cells)


async def intermediate_labour_market(r: Reader, s: ReportingSettings) -> Rows:
    """Openings of associations, workshops and employers on the day by organisation kind:
    seats, placements going on, open seats and the share of seats in use."""
    return use_table(await q.opening_use(r.conn, r.day, r.who))


Builder = Callable[[Reader, ReportingSettings], Awaitable[Rows]]
BUILDERS: dict[str, Builder] = {
    "summary": summary, "indicators": indicators, "activities": activities,
    "placements": placements, "exits": exits, "caseloads": caseloads,
    "waiting-list": waiting_list, "openings": openings, "unemployment": unemployment,
    "matches": matches, "timeseries": timeseries,
    "outcomes-by-activity": outcomes_by_activity, "central-workshops": central_workshops,
    "follow-ups": follow_ups, "meetings": meetings, "places": places,
    "unemployment-structure": unemployment_structure,
    "intermediate-labour-market": intermediate_labour_market,
}  # fmt: skip
"""Every report `/v1/reports/{name}` serves, from the figure store."""
