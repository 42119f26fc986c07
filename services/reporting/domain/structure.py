"""The structure of unemployment in the region, and the fairness view of matching."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.record import ParticipantRecord
from services.reporting.domain.snapshot import Snapshot

Row = dict[str, Any]


def months_band(months: int) -> str:
    """Months unemployed at entry, banded: 0-5, 6-11, 12-23, 24+."""
    if months < 6:
        return "0-5"
    if months < 12:
        return "6-11"
    if months < 24:
        return "12-23"
    return "24+"


DIMENSIONS: dict[str, Callable[[ParticipantRecord], Iterable[str]]] = {
    "risk_group": lambda p: sorted(p.risk_groups) or ["none"],
    "age_band": lambda p: [p.age_band],
    "isced_level": lambda p: ["unknown" if p.isced_level is None else str(p.isced_level)],
    "months_unemployed": lambda p: [months_band(p.months_unemployed)],
    "municipality": lambda p: [p.municipality],
    "sex": lambda p: [p.sex],
}
"""How participants are grouped; a participant may be in several risk groups."""


UNEMPLOYMENT_DIMENSIONS = ("risk_group", "age_band", "isced_level", "months_unemployed",
                           "municipality")  # fmt: skip
MATCH_DIMENSIONS = ("sex", "age_band", "risk_group")


def unemployment_rows(people: list[ParticipantRecord]) -> list[Row]:
    """Participants by risk group, age band, ISCED level, months unemployed and municipality."""
    return unemployment_table(
        {d: Counter(v for p in people for v in DIMENSIONS[d](p)) for d in UNEMPLOYMENT_DIMENSIONS}
    )


def unemployment_table(counts: dict[str, Counter[str]]) -> list[Row]:
    """The structure of unemployment from the participants counted per dimension value."""
    rows: list[Row] = []
    for dimension in UNEMPLOYMENT_DIMENSIONS:
        rows += [
            {"dimension": dimension, "value": v, "participants": n}
            for v, n in sorted(counts[dimension].items())
            if n
        ]
    return rows


def match_rows(snap: Snapshot, f: ReportFilter, people: list[ParticipantRecord]) -> list[Row]:
    """Matches proposed and accepted by sex, age band and risk group (the fairness view)."""
    by_id = {p.participant_id: p for p in people}
    proposed: dict[str, Counter[str]] = {d: Counter() for d in MATCH_DIMENSIONS}
    accepted: dict[str, Counter[str]] = {d: Counter() for d in MATCH_DIMENSIONS}
    for m in snap.matches:
        p = by_id.get(m.participant_id)
        if p is None or not f.in_period(m.proposed_on or m.accepted_on):
            continue
        if f.organisation_id is not None and m.organisation_id != f.organisation_id:
            continue
        for dimension in MATCH_DIMENSIONS:
            for value in DIMENSIONS[dimension](p):
                proposed[dimension][value] += 1
                accepted[dimension][value] += m.accepted_on is not None
    return match_table(proposed, accepted)


def match_table(proposed: dict[str, Counter[str]], accepted: dict[str, Counter[str]]) -> list[Row]:
    """The fairness view from the matches proposed and accepted per dimension value."""
    rows: list[Row] = []
    for dimension in MATCH_DIMENSIONS:
        p, a = proposed[dimension], accepted[dimension]
        rows += [
            {
                "dimension": dimension,
                "value": v,
                "proposed": p[v],
                "accepted": a[v],
                "acceptance_rate": round(a[v] / p[v], 3) if p[v] else None,
            }
            for v in sorted(k for k, n in p.items() if n)
        ]
    return rows
