"""The figures computed straight from a whole snapshot of the read model: the reference
definitions the figure store must agree with (the tests and the bench compare the two).

The service no longer computes this way (it loads everything into memory on every query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from services.reporting.domain import figures, follow_ups, meetings, network, places, structure
from services.reporting.domain.central import central_groups, central_row
from services.reporting.domain.esf import indicator_table
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.snapshot import MeetingRecord, Snapshot
from services.reporting.settings import ReportingSettings

Rows = list[dict[str, Any]]
Builder = Callable[[Snapshot, ReportFilter, ReportingSettings, date], Rows]


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
    limits = network.Limits(snap.worker_limits, s.support_worker_capacity)
    return network.caseload_rows(people, day, limits, figures.is_active, figures.is_waiting)


def _waiting(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    return network.waiting_rows(figures.admitted(snap, f), f.end or today, figures.is_waiting)


def _summary(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    return [{"figure": k, "value": v} for k, v in figures.key_figures(snap, f, s, today).items()]


def _central(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    """Each central workshop's group: its members' openings and placements figures summed."""
    rows = []
    for group in central_groups(snap.organisations, f.organisation_id):
        members = [replace(f, organisation_id=m) for m in group.members]
        openings = [r for m in members for r in network.opening_rows(snap, m, m.end or today)]
        placements = [r for m in members for r in figures.placement_rows(snap, m)]
        rows.append(central_row(group, openings, placements))
    return rows


def _meetings(snap: Snapshot, f: ReportFilter, s: ReportingSettings, today: date) -> Rows:
    grouped = {p.participant_id for p in snap.participants if f.risk_group in p.risk_groups}
    kept = [
        m for m in snap.meetings
        if f.in_period(m.starts_on)
        and (f.organisation_id is None or m.organisation_id == f.organisation_id)
        and (f.municipality is None or m.municipality == f.municipality)
        and (f.risk_group is None or m.participant_id in grouped)
    ]  # fmt: skip
    groups: dict[tuple[str, str], list[MeetingRecord]] = {}
    for m in kept:
        groups.setdefault((m.starts_on.strftime("%Y-%m"), m.kind), []).append(m)

    def status(ms: list[MeetingRecord], value: str) -> int:
        return sum(m.participant_status == value for m in ms)

    return meetings.meeting_table(
        meetings.MonthCounts(month, kind, len(ms), sum(m.held_on is not None for m in ms),
                             sum(m.cancelled_on is not None for m in ms), status(ms, "present"),
                             status(ms, "excused"), status(ms, "no_show"))
        for (month, kind), ms in groups.items()
    )  # fmt: skip


REPORTS: dict[str, Builder] = {
    "summary": _summary,
    "indicators": _indicators,
    "activities": lambda sn, f, s, t: figures.activity_rows(sn, f),
    "placements": lambda sn, f, s, t: figures.placement_rows(sn, f),
    "exits": lambda sn, f, s, t: figures.exit_rows(sn, f),
    "caseloads": _caseloads,
    "waiting-list": _waiting,
    "openings": lambda sn, f, s, t: network.opening_rows(sn, f, f.end or t),
    "unemployment": lambda sn, f, s, t: structure.unemployment_rows(figures.registered(sn, f)),
    "matches": lambda sn, f, s, t: structure.match_rows(sn, f, figures.admitted(sn, f)),
    "timeseries": lambda sn, f, s, t: network.timeseries_rows(sn, f, figures.admitted(sn, f)),
    "outcomes-by-activity": lambda sn, f, s, t: figures.activity_outcome_rows(sn, f, s),
    "central-workshops": _central,
    "follow-ups": lambda sn, f, s, t: follow_ups.follow_up_table(
        (p.follow_up_outcome, p.follow_up_withdrawn, 1)
        for p in figures.admitted(sn, f)
        if p.follow_up_due_on is not None and f.in_period(p.follow_up_due_on)
    ),
    "meetings": _meetings,
    "places": lambda sn, f, s, t: places.reference_places(
        sn, f, figures.registered(sn, f), f.end or t
    ),
    "unemployment-structure": lambda sn, f, s, t: places.reference_structure(
        figures.registered(sn, f)
    ),
    "intermediate-labour-market": lambda sn, f, s, t: places.use_table(
        places.opening_use_rows(sn, f, f.end or t)
    ),
}
"""Every report, from a whole snapshot."""


def dashboard(snap: Snapshot, f: ReportFilter, s: ReportingSettings, day: date) -> dict[str, Any]:
    """The dashboard's figures from a whole snapshot."""
    out: dict[str, Any] = {"summary": figures.key_figures(snap, f, s, day)}
    out["municipalities"] = sorted(
        {p.municipality for p in snap.participants} | {o.municipality for o in snap.openings}
    )
    for name in ("timeseries", "caseloads", "waiting-list", "activities", "openings",
                 "indicators"):  # fmt: skip
        out[name] = REPORTS[name](snap, f, s, day)
    return out
