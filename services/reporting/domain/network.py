"""Figures of the network's capacity: openings and seats, caseloads, the waiting list, trends."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.record import EMPLOYED, ParticipantRecord
from services.reporting.domain.snapshot import Opening, Snapshot

Row = dict[str, Any]


def open_on(o: Opening, day: date) -> bool:
    """Posted by `day` and not closed by then."""
    return o.posted_on <= day and (o.closed_on is None or o.closed_on > day)


def opening_rows(snap: Snapshot, f: ReportFilter, day: date) -> list[Row]:
    """Openings, seats and open seats by organisation kind and municipality (the ILM map)."""
    groups: dict[tuple[str, str], Row] = {}
    for o in snap.openings:
        if not open_on(o, day):
            continue
        if f.municipality is not None and o.municipality != f.municipality:
            continue
        if f.organisation_id is not None and o.organisation_id != f.organisation_id:
            continue
        key = (o.organisation_kind, o.municipality)
        row = groups.setdefault(
            key,
            {"organisation_kind": key[0], "municipality": key[1], "openings": 0, "seats": 0},
        )
        row["openings"] += 1
        row["seats"] += o.seats
        row["open_seats"] = row.get("open_seats", 0) + max(0, o.seats - o.filled)
    return [groups[k] for k in sorted(groups)]


def in_caseload(p: ParticipantRecord, day: date, active: Any, waiting: Any) -> bool:
    """Counted in the support worker's caseload on `day`: active, not waiting, assigned by then."""
    if p.support_worker_id is None or not active(p, day) or waiting(p, day):
        return False
    return p.assigned_on is not None and p.assigned_on <= day


def caseload_rows(
    people: list[ParticipantRecord], day: date, limits: Limits, active: Any, waiting: Any
) -> list[Row]:
    """Active cases per support worker on `day`, and how full each worker's caseload is."""
    cases: Counter[str] = Counter(
        str(p.support_worker_id) for p in people if in_caseload(p, day, active, waiting)
    )
    return caseload_table(cases, limits)


@dataclass(frozen=True)
class Limits:
    """Each support worker's own caseload limit (by id as text), and the default for a worker
    whose events carry none (older events: the setting SUPPORT_WORKER_CAPACITY)."""

    own: Mapping[str, int]
    default: int

    def of(self, worker: str) -> int:
        """The worker's caseload limit."""
        return self.own.get(worker, self.default)


def caseload_table(cases: Counter[str], limits: Limits) -> list[Row]:
    """Caseload rows from the number of cases per support worker, fullest first."""
    return [
        {
            "support_worker_id": worker,
            "cases": n,
            "capacity": limits.of(worker),
            "utilisation": round(n / limits.of(worker), 3),
        }
        for worker, n in sorted(cases.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def waiting_rows(people: list[ParticipantRecord], day: date, waiting: Any) -> list[Row]:
    """The waiting list by municipality: how many wait and the longest wait in days."""
    groups: dict[str, list[int]] = defaultdict(list)
    for p in people:
        if waiting(p, day):
            assert p.waitlisted_on is not None
            groups[p.municipality].append((day - p.waitlisted_on).days)
    return [
        {"municipality": m, "participants": len(w), "longest_wait_days": max(w)}
        for m, w in sorted(groups.items())
    ]


def month(day: date) -> str:
    """The month of a date, as YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def timeseries_rows(snap: Snapshot, f: ReportFilter, people: list[ParticipantRecord]) -> list[Row]:
    """Registrations, placements started and employment outcomes per month."""
    ids = {p.participant_id for p in people}
    series: dict[str, Counter[str]] = defaultdict(Counter)
    for p in people:
        if f.in_period(p.registered_on):
            series[month(p.registered_on)]["registrations"] += 1
        if p.exited_on and f.in_period(p.exited_on) and p.exit_outcome in EMPLOYED:
            series[month(p.exited_on)]["employed_on_leaving"] += 1
    for fact in snap.placements:
        start = fact.placement.starts_on
        if fact.participant_id in ids and start is not None and f.in_period(start):
            series[month(start)]["placements_started"] += 1
    names = ("registrations", "placements_started", "employed_on_leaving")
    return [{"month": m, **{n: series[m][n] for n in names}} for m in sorted(series)]
