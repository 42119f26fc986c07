"""The figures a scenario should produce, counted straight from the scenario's people."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from statistics import fmean
from typing import Any

from reporting_scenario import Person, Scenario

EMPLOYED = ("employed", "self_employed")


def employed_on_leaving(p: Person) -> bool:
    """Employed exit, or a hire within 28 days after the exit day."""
    if p.exited_on is None:
        return False
    if p.exit_outcome in EMPLOYED:
        return True
    window = (p.exited_on, p.exited_on + timedelta(days=28))
    return any(
        pl["outcome"] == "hired" and window[0] <= pl["ended_on"] <= window[1] for pl in p.placements
    )


def _mean(values: list[int]) -> float | None:
    return round(fmean(values), 1) if values else None


def _days_to_employment(p: Person) -> int | None:
    days = [pl["ended_on"] for pl in p.placements if pl["outcome"] == "hired"]
    if p.exit_outcome in EMPLOYED:
        days.append(p.exited_on)
    return (min(days) - p.registered_on).days if days else None


def summary(sc: Scenario) -> dict[str, Any]:
    """The headline figures with no filter, as of today."""
    placements = [pl for p in sc.people for pl in p.placements]
    filled = Counter(pl["opening_id"] for pl in placements if pl["ended_on"] is None)
    first = [
        (min(pl["starts_on"] for pl in p.placements) - p.registered_on).days
        for p in sc.people
        if p.placements
    ]
    to_job = [d for d in map(_days_to_employment, sc.people) if d is not None]
    return {
        "participants_registered": len(sc.people),
        "active_cases": sum(p.exited_on is None for p in sc.people),
        "waiting_list": sum(p.worker is None and p.exited_on is None for p in sc.people),
        "placements_started": len(placements),
        "placements_completed": sum(pl["outcome"] == "completed" for pl in placements),
        "placements_ended_by_hire": sum(pl["outcome"] == "hired" for pl in placements),
        "participants_exited": sum(p.exited_on is not None for p in sc.people),
        "employed_on_leaving": sum(employed_on_leaving(p) for p in sc.people),
        "employed_six_months_after": sum(p.follow_up in EMPLOYED for p in sc.people),
        "average_days_to_first_placement": _mean(first),
        "average_days_to_employment": _mean(to_job),
        **hours(sc),
        "open_seats": sum(
            max(0, o["seats"] - filled[o["opening_id"]]) for o in sc.openings if not o["closed"]
        ),
    }


def hours(sc: Scenario) -> dict[str, float]:
    """Hours on activities (planned ones too), work practice on placements, and both."""
    on_activities = sum(a["hours"] for a in sc.activities)
    practice = sum(h for p in sc.people for pl in p.placements for h in pl.get("hours", []))
    return {"activity_hours": round(on_activities, 2), "work_practice_hours": round(practice, 2),
            "hours_total": round(on_activities + practice, 2)}  # fmt: skip


def activities(sc: Scenario) -> list[dict[str, Any]]:
    """Participants, completions and hours per activity type (a planned activity's hours
    count, its participant does not)."""
    types = sorted(
        {a["activity_type"] for a in sc.activities if a["status"] != "planned" or a["hours"]}
    )
    rows = []
    for t in types:
        acts = [a for a in sc.activities if a["activity_type"] == t and a["status"] != "planned"]
        spent = sum(a["hours"] for a in sc.activities if a["activity_type"] == t)
        rows.append(
            {
                "activity_type": t,
                "participants": len({a["participant_id"] for a in acts}),
                "completed": len({a["participant_id"] for a in acts if a["status"] == "completed"}),
                "hours": round(spent, 2),
            }
        )
    return rows


def outcomes_by_activity(sc: Scenario, people: list[Person] | None = None) -> list[dict[str, Any]]:
    """Per activity type, leavers (of `people`) who took part (not merely planned) and their
    results: employed or in education on leaving, employed six months after."""
    leavers = {p.pid: p for p in (sc.people if people is None else people) if p.exited_on}
    took: dict[str, set[Any]] = {}
    for a in sc.activities:
        if a["status"] != "planned" and a["participant_id"] in leavers:
            took.setdefault(a["activity_type"], set()).add(a["participant_id"])
    education = ("education_or_training", "qualification_gained")
    return [
        {"activity_type": t, "participants": len(who),
         "employed_on_leaving": sum(employed_on_leaving(leavers[i]) for i in who),
         "in_education_on_leaving": sum(leavers[i].exit_outcome in education for i in who),
         "employed_six_months_after": sum(leavers[i].follow_up in EMPLOYED for i in who)}
        for t, who in sorted(took.items())
    ]  # fmt: skip


def capacities(sc: Scenario) -> dict[str, int]:
    """Each support worker's caseload limit: their own, else the setting (25)."""
    return {str(w): sc.limits.get(w, 25) for w in sc.workers}


def exits(sc: Scenario) -> list[dict[str, Any]]:
    """Leavers by outcome."""
    counts = Counter(p.exit_outcome for p in sc.people if p.exit_outcome)
    return [{"outcome": k, "participants": v} for k, v in sorted(counts.items())]


def caseloads(sc: Scenario) -> dict[str, int]:
    """Active cases per support worker."""
    return dict(
        Counter(str(p.worker) for p in sc.people if p.worker is not None and p.exited_on is None)
    )


def openings(sc: Scenario) -> dict[tuple[str, str], tuple[int, int]]:
    """(organisation kind, municipality) -> (openings, seats) of the open openings."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for o in sc.openings:
        if not o["closed"]:
            n, seats = out.get((o["organisation_kind"], o["municipality"]), (0, 0))
            out[(o["organisation_kind"], o["municipality"])] = (n + 1, seats + o["seats"])
    return out


def unemployment(sc: Scenario, dimension: str) -> dict[str, int]:
    """Participants by one dimension of the structure of unemployment."""
    if dimension == "risk_group":
        return dict(Counter(r for p in sc.people for r in (p.risks or ["none"])))
    return dict(Counter(getattr(p, dimension) for p in sc.people))


def matches_by_sex(sc: Scenario) -> dict[str, tuple[int, int]]:
    """sex -> (proposed, accepted)."""
    proposed = Counter(m["person"].sex for m in sc.matches)
    accepted = Counter(m["person"].sex for m in sc.matches if m["accepted"])
    return {s: (proposed[s], accepted[s]) for s in proposed}


def indicators(sc: Scenario) -> dict[str, int]:
    """A few ESF indicators counted by hand."""
    leavers = [p for p in sc.people if p.exited_on is not None]
    return {
        "CO01": sum(p.status == "unemployed" for p in sc.people),
        "CO03": sum(p.status == "inactive" for p in sc.people),
        "CO05": sum(p.status == "employed" for p in sc.people),
        "CO06": sum(p.age < 25 for p in sc.people),
        "CO07": sum(p.age >= 55 for p in sc.people),
        "CO16": sum("disability" in p.risks and not p.refused for p in sc.people),
        "EECO01": len(sc.people),
        "CR04": sum(
            employed_on_leaving(p) and p.status in ("unemployed", "inactive") for p in leavers
        ),
        "CR06": sum(p.follow_up in EMPLOYED for p in leavers),
    }
