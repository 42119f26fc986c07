"""Sums of contributions: what a cube row or a query result holds, and how entries add up."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from services.reporting.domain import layout
from services.reporting.domain.contributions import Entry
from services.reporting.domain.periods import bucket_of

ALL_PLACES = ""
"""The municipality column of the sums over every municipality."""
GRAINS = ("y", "m", "d")
FLAGGED = frozenset({layout.ENTRY, layout.EXIT, layout.ACTIVITY_OUTCOME})
"""Figures whose entries carry flags (the others leave the flag columns empty)."""


@dataclass
class Tally:
    """Sums of entries: their weight n, x1, x2, hours, and n per flag."""

    n: int = 0
    x1: int = 0
    x2: int = 0
    hours: Decimal = Decimal(0)
    flags: Counter[str] = field(default_factory=Counter)

    def add_entry(self, e: Entry, sign: int = 1) -> None:
        """Add one entry (sign -1: take it away)."""
        self.n += sign * e.n
        self.x1 += sign * e.x1
        self.x2 += sign * e.x2
        self.hours += sign * e.hours
        for name in layout.flag_names(e.flags):
            self.flags[name] += sign * e.n

    def add(self, other: Tally) -> None:
        """Add another tally."""
        self.n += other.n
        self.x1 += other.x1
        self.x2 += other.x2
        self.hours += other.hours
        self.flags.update(other.flags)

    def is_zero(self) -> bool:
        """Nothing counted."""
        return not (self.n or self.x1 or self.x2 or self.hours or any(self.flags.values()))


CubeKey = tuple[str, str, str, date, int, str]
"""figure, municipality, grain, bucket, riskmask, k."""


@dataclass(frozen=True)
class Placed:
    """An entry with the participant's municipality, risk groups and organisations."""

    entry: Entry
    municipality: str
    riskmask: int
    organisations: frozenset[UUID] = frozenset()


OrgKey = tuple[UUID, str, str, date, str, bool]
"""organisation, figure, grain, bucket, k, here."""


@dataclass
class Delta:
    """What replacing entries changes: the cube, the organisations' cube, openings filled."""

    cube: dict[CubeKey, Tally]
    org_cube: dict[OrgKey, Tally]
    filled: Counter[UUID]


def cube_delta(removed: Iterable[Placed], added: Iterable[Placed]) -> Delta:
    """What replacing some entries by others changes in the sums."""
    base: dict[tuple[str, str, int, date, str, int], list[Any]] = {}
    orgs: dict[tuple[UUID, str, date, str, bool, int], list[Any]] = {}
    filled: Counter[UUID] = Counter()
    for sign, placed in [(-1, p) for p in removed] + [(1, p) for p in added]:
        e = placed.entry
        if e.figure == layout.FILLED:
            filled[UUID(e.k)] += sign * e.n
            continue
        _accumulate(base, (e.figure, placed.municipality, placed.riskmask, e.on, e.k, e.flags),
                    e, sign)  # fmt: skip
        for org in placed.organisations:
            _accumulate(orgs, (org, e.figure, e.on, e.k, e.at_org == org, e.flags), e, sign)
    cube: dict[CubeKey, Tally] = {}
    for (figure, place, mask, on, k, flags), values in base.items():
        places = (place, ALL_PLACES) if place != ALL_PLACES else (ALL_PLACES,)
        for where in places:
            _spread(cube, on, lambda g, b: (figure, where, g, b, mask, k), flags, values)  # noqa: B023
    org_cube: dict[OrgKey, Tally] = {}
    for (org, figure, on, k, here, flags), values in orgs.items():
        _spread(org_cube, on, lambda g, b: (org, figure, g, b, k, here), flags, values)  # noqa: B023
    return Delta(
        {k: t for k, t in cube.items() if not t.is_zero()},
        {k: t for k, t in org_cube.items() if not t.is_zero()},
        Counter({k: v for k, v in filled.items() if v}),
    )


def _accumulate(into: dict[Any, list[Any]], key: Any, e: Entry, sign: int) -> None:
    acc = into.setdefault(key, [0, 0, 0, Decimal(0)])
    acc[0] += sign * e.n
    acc[1] += sign * e.x1
    acc[2] += sign * e.x2
    acc[3] += sign * e.hours


@lru_cache(maxsize=4096)
def _flag_names(flags: int) -> tuple[str, ...]:
    return tuple(layout.flag_names(flags))


def _spread(into: dict[Any, Tally], on: date, key: Any, flags: int, values: list[Any]) -> None:
    """Add the values to the year, month and day holding `on`."""
    n, x1, x2, hours = values
    if not (n or x1 or x2 or hours):
        return
    names = _flag_names(flags)
    for grain in GRAINS:
        k = key(grain, bucket_of(grain, on))
        t = into.get(k)
        if t is None:
            t = into[k] = Tally()
        t.n += n
        t.x1 += x1
        t.x2 += x2
        t.hours += hours
        for name in names:
            t.flags[name] += n


@dataclass(frozen=True)
class Ask:
    """Sums of one figure's entries dated lo..hi (None: unbounded), by k (and by month);
    `here`: only entries at the filter's organisation (placements and matches there)."""

    figure: str
    lo: date | None
    hi: date | None
    by_month: bool = False
    here: bool = False


Group = tuple[str, date | None]
"""k and month (None where the ask is not by month)."""
Sums = dict[Group, Tally]


DayTotal = tuple[str, date, bool, int, int, int, int, Decimal]
"""Stored entries of one figure summed: k, day, at the filter's organisation, flags, then the
sums of n, x1, x2 and hours."""


def sums_of_days(days: Iterable[DayTotal], ask: Ask) -> Sums:
    """One ask over a figure's day totals: those dated lo..hi (at the organisation if `here`),
    by k and, if asked, month; what the cube's buckets give for the same entries."""
    lo, hi = ask.lo or date.min, ask.hi or date.max
    out: Sums = {}
    if lo > hi:
        return out
    for k, on, at_org, flags, n, x1, x2, hours in days:
        if on < lo or on > hi or (ask.here and not at_org):
            continue
        group = (k, on.replace(day=1) if ask.by_month else None)
        t = out.get(group)
        if t is None:
            t = out[group] = Tally()
        t.n += n
        t.x1 += x1
        t.x2 += x2
        t.hours += hours
        for name in _flag_names(flags):
            t.flags[name] += n
    return out


def by_k(sums: Sums) -> dict[str, Tally]:
    """The sums per k (over months, municipalities and risk groups)."""
    out: dict[str, Tally] = {}
    for (k, _), tally in sums.items():
        out.setdefault(k, Tally()).add(tally)
    return out


def total(sums: Sums) -> Tally:
    """Everything added up."""
    out = Tally()
    for tally in sums.values():
        out.add(tally)
    return out
