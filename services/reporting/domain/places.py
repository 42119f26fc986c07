"""Where the network works: counts by municipality for the map, the structure of
unemployment as a cross-table, and the intermediate labour market's openings and their use."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.network import open_on
from services.reporting.domain.record import ParticipantRecord
from services.reporting.domain.snapshot import Snapshot
from services.reporting.domain.structure import DIMENSIONS

Row = dict[str, Any]

STRUCTURE_PARTS = ("municipality", "age_band", "months_unemployed", "isced_level")
"""The cross-table's dimensions, in its column order."""


def structure_key(p: ParticipantRecord) -> tuple[str, ...]:
    """A participant's cell of the cross-table (each dimension has one value)."""
    return tuple(next(iter(DIMENSIONS[d](p))) for d in STRUCTURE_PARTS)


def structure_table(counts: Counter[tuple[str, ...]]) -> list[Row]:
    """Participants by municipality × age band × months unemployed × ISCED level, the empty
    cells left out, in the dimensions' order."""
    return [
        {**dict(zip(STRUCTURE_PARTS, key, strict=True)), "participants": n}
        for key, n in sorted(counts.items())
        if n
    ]


def use_table(openings: Iterable[Row]) -> list[Row]:
    """Openings, seats, placements going on and open seats by organisation kind, with the
    share of seats in use (`openings`: rows by kind and municipality with `placements`)."""
    kinds: dict[str, Row] = {}
    for o in openings:
        row = kinds.setdefault(o["organisation_kind"], dict.fromkeys(USE_COUNTS, 0))
        for name in USE_COUNTS:
            row[name] += o[name]
    return [
        {"organisation_kind": kind, **row,
         "utilisation": round(row["placements"] / row["seats"], 3) if row["seats"] else None}
        for kind, row in sorted(kinds.items())
    ]  # fmt: skip


USE_COUNTS = ("openings", "seats", "placements", "open_seats")


def place_table(participants: Counter[str], openings: Iterable[Row]) -> list[Row]:
    """Per municipality: participants who registered in the period, open seats and
    placements going on at its openings on the day (rows with participants or openings)."""
    seats: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    names = {m for m, n in participants.items() if n}
    for o in openings:
        names.add(o["municipality"])
        seats[o["municipality"]] += o["open_seats"]
        placed[o["municipality"]] += o["placements"]
    return [
        {"municipality": m, "participants": participants[m], "open_seats": seats[m],
         "placements": placed[m]}
        for m in sorted(names)
    ]  # fmt: skip


def opening_use_rows(snap: Snapshot, f: ReportFilter, day: date) -> list[Row]:
    """The reference: openings open on `day` with their placements going on, by kind and
    municipality (as `network.opening_rows`, with `placements`)."""
    groups: dict[tuple[str, str], Row] = {}
    for o in snap.openings:
        if not open_on(o, day):
            continue
        if f.municipality is not None and o.municipality != f.municipality:
            continue
        if f.organisation_id is not None and o.organisation_id != f.organisation_id:
            continue
        row = groups.setdefault(
            (o.organisation_kind, o.municipality),
            {"organisation_kind": o.organisation_kind, "municipality": o.municipality,
             **dict.fromkeys(USE_COUNTS, 0)},
        )  # fmt: skip
        row["openings"] += 1
        row["seats"] += o.seats
        row["placements"] += o.filled
        row["open_seats"] += max(0, o.seats - o.filled)
    return [groups[k] for k in sorted(groups)]


def reference_places(snap: Snapshot, f: ReportFilter, people: list[ParticipantRecord],
                     day: date) -> list[Row]:  # fmt: skip
    """The reference of the places report over a whole snapshot."""
    return place_table(Counter(p.municipality for p in people), opening_use_rows(snap, f, day))


def reference_structure(people: list[ParticipantRecord]) -> list[Row]:
    """The reference of the cross-table over a whole snapshot."""
    return structure_table(Counter(structure_key(p) for p in people))
