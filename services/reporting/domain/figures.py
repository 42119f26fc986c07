"""The network's figures, computed from a snapshot of the read model under a filter."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from statistics import fmean
from typing import Any

from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.network import opening_rows
from services.reporting.domain.outcomes import employed_on_leaving, outcome_rows, took_part
from services.reporting.domain.record import (
    EMPLOYED,
    ParticipantRecord,
    employed_six_months_after,
)
from services.reporting.domain.snapshot import Snapshot
from services.reporting.settings import ReportingSettings

Row = dict[str, Any]


def admitted(snap: Snapshot, f: ReportFilter) -> list[ParticipantRecord]:
    """Participants in the filtered population (any period)."""
    return [p for p in snap.participants if f.admits(p)]


def registered(snap: Snapshot, f: ReportFilter) -> list[ParticipantRecord]:
    """Participants in the population who registered in the period."""
    return [p for p in admitted(snap, f) if f.in_period(p.registered_on)]


def exited(snap: Snapshot, f: ReportFilter) -> list[ParticipantRecord]:
    """Participants in the population who left in the period."""
    return [p for p in admitted(snap, f) if f.in_period(p.exited_on)]


def is_active(p: ParticipantRecord, day: date) -> bool:
    """A case plan open on `day` (a re-entry after an exit is active again)."""
    if p.case_opened_on is None or p.case_opened_on > day:
        return False
    left = p.exited_on is not None and p.case_opened_on <= p.exited_on <= day
    return not left


def is_waiting(p: ParticipantRecord, day: date) -> bool:
    """An active case waiting for a support worker on `day`."""
    if not is_active(p, day) or p.waitlisted_on is None or p.waitlisted_on > day:
        return False
    return p.assigned_on is None or p.assigned_on < p.waitlisted_on or p.assigned_on > day


def days_to_first_placement(p: ParticipantRecord) -> int | None:
    """Days from registration to the first placement's start."""
    starts = [pl.starts_on for pl in p.placements if pl.starts_on is not None]
    return (min(starts) - p.registered_on).days if starts else None


def days_to_employment(p: ParticipantRecord) -> int | None:
    """Days from registration to the first hire or employed exit."""
    days = [pl.ended_on for pl in p.placements if pl.outcome == "hired" and pl.ended_on]
    if p.exited_on is not None and p.exit_outcome in EMPLOYED:
        days.append(p.exited_on)
    return (min(days) - p.registered_on).days if days else None


def _average(values: list[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(fmean(known), 1) if known else None


def key_figures(
    snap: Snapshot, f: ReportFilter, settings: ReportingSettings, today: date
) -> dict[str, Any]:
    """The headline figures; states (active, waiting) are as of the period's end or today."""
    day = f.end or today
    people = admitted(snap, f)
    cohort = registered(snap, f)
    leavers = exited(snap, f)
    placements = placement_counts(snap, f)
    return {
        "participants_registered": len(cohort),
        "active_cases": sum(is_active(p, day) for p in people),
        "waiting_list": sum(is_waiting(p, day) for p in people),
        "placements_started": placements["started"],
        "placements_completed": placements["completed"],
        "placements_ended_by_hire": placements["hired"],
        "participants_exited": len(leavers),
        "employed_on_leaving": sum(employed_on_leaving(p, settings) for p in leavers),
        "employed_six_months_after": sum(
            employed_six_months_after(p) for p in people if f.in_period(p.followed_up_on)
        ),
        "participants_placed": sum(days_to_first_placement(p) is not None for p in cohort),
        "average_days_to_first_placement": _average([days_to_first_placement(p) for p in cohort]),
        "participants_employed": sum(days_to_employment(p) is not None for p in cohort),
        "average_days_to_employment": _average([days_to_employment(p) for p in cohort]),
        **hour_figures(snap, f, {p.participant_id for p in people}),
        "open_seats": sum(r["open_seats"] for r in opening_rows(snap, f, day)),
        "as_of": day.isoformat(),
    }


def hour_figures(snap: Snapshot, f: ReportFilter, people: set[Any]) -> dict[str, float]:
    """Hours worked in the period: on activities (whatever their status), work practice
    logged by workshops on placements, and the two together (each logging counted once)."""
    on_activities = sum(
        h.hours for h in snap.hours if h.participant_id in people and f.in_period(h.worked_on)
    )
    work_practice = sum(
        h.hours
        for h in snap.placement_hours
        if h.participant_id in people and f.in_period(h.worked_on)
    )
    return hours_line(on_activities, work_practice)


def hours_line(on_activities: Any, work_practice: Any) -> dict[str, float]:
    """The hour figures of the summary, rounded to two decimals."""
    return {
        "activity_hours": round(float(on_activities), 2),
        "work_practice_hours": round(float(work_practice), 2),
        "hours_total": round(float(on_activities + work_practice), 2),
    }


def activity_outcome_rows(snap: Snapshot, f: ReportFilter, s: ReportingSettings) -> list[Row]:
    """Outcome by activity over the participants who left in the period."""
    return outcome_rows(exited(snap, f), snap.activities, s)


def placement_counts(snap: Snapshot, f: ReportFilter) -> Counter[str]:
    """Placements started in the period, and ended in it by outcome."""
    people = {p.participant_id for p in admitted(snap, f)}
    counts: Counter[str] = Counter(started=0, completed=0, hired=0)
    for fact in snap.placements:
        pl = fact.placement
        if fact.participant_id not in people:
            continue
        if f.organisation_id is not None and pl.organisation_id != f.organisation_id:
            continue
        counts["started"] += f.in_period(pl.starts_on)
        if pl.outcome is not None and f.in_period(pl.ended_on):
            counts[pl.outcome] += 1
    return counts


def placement_rows(snap: Snapshot, f: ReportFilter) -> list[Row]:
    """Placements started, completed, ended by hire, dropped out, ended by the organisation."""
    c = placement_counts(snap, f)
    names = ("started", "completed", "hired", "dropped_out", "ended_by_organisation")
    return [{"placements": name, "count": int(c[name])} for name in names]


def activity_rows(snap: Snapshot, f: ReportFilter) -> list[Row]:
    """Participants per activity type (and how many completed it), hours by activity type."""
    people = {p.participant_id for p in admitted(snap, f)}
    who: dict[str, set[Any]] = defaultdict(set)
    done: dict[str, set[Any]] = defaultdict(set)
    for a in snap.activities:
        if a.participant_id in people and f.in_period(a.on) and took_part(a):
            who[a.activity_type].add(a.participant_id)
            if a.status == "completed":
                done[a.activity_type].add(a.participant_id)
    hours: dict[str, float] = defaultdict(float)
    for h in snap.hours:
        if h.participant_id in people and f.in_period(h.worked_on):
            hours[h.activity_type] += h.hours
    types = sorted(set(who) | set(hours))
    return [
        {
            "activity_type": t,
            "participants": len(who[t]),
            "completed": len(done[t]),
            "hours": round(float(hours[t]), 2),
        }
        for t in types
    ]


def exit_rows(snap: Snapshot, f: ReportFilter) -> list[Row]:
    """Participants who left in the period, by outcome."""
    counts = Counter(p.exit_outcome for p in exited(snap, f))
    return [{"outcome": k, "participants": v} for k, v in sorted(counts.items())]
