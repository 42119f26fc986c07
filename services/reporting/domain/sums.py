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
FLAGGED = frozenset({layout.ENTRY, layout.EXIT})
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
    """An entry with the participant's municipality and risk groups (as stored)."""

    entry: Entry
    municipality: str
    riskmask: int


def cube_delta(
    removed: Iterable[Placed], added: Iterable[Placed]
) -> tuple[dict[CubeKey, Tally], Counter[UUID]]:
    """What replacing some entries by others changes in the cube and in the openings filled."""
    base: dict[tuple[str, str, int, date, str, int], list[Any]] = {}
    filled: Counter[UUID] = Counter()
    for sign, placed in [(-1, p) for p in removed] + [(1, p) for p in added]:
        e = placed.entry
        if e.figure == layout.FILLED:
            filled[UUID(e.k)] += sign * e.n
            continue
        key = (e.figure, placed.municipality, placed.riskmask, e.on, e.k, e.flags)
        acc = base.setdefault(key, [0, 0, 0, Decimal(0)])
        acc[0] += sign * e.n
        acc[1] += sign * e.x1
        acc[2] += sign * e.x2
        acc[3] += sign * e.hours
    cube: dict[CubeKey, Tally] = {}
    for (figure, place, mask, on, k, flags), (n, x1, x2, hours) in base.items():
        if n or x1 or x2 or hours:
            _spread(cube, figure, place, mask, on, k, _flag_names(flags), (n, x1, x2, hours))
    changed = {k: t for k, t in cube.items() if not t.is_zero()}
    return changed, Counter({k: v for k, v in filled.items() if v})


@lru_cache(maxsize=4096)
def _flag_names(flags: int) -> tuple[str, ...]:
    return tuple(layout.flag_names(flags))


def _spread(
    cube: dict[CubeKey, Tally], figure: str, place: str, mask: int, on: date, k: str,
    names: tuple[str, ...], values: tuple[int, int, int, Decimal],
) -> None:  # fmt: skip
    n, x1, x2, hours = values
    places = (place, ALL_PLACES) if place != ALL_PLACES else (ALL_PLACES,)
    for grain in GRAINS:
        bucket = bucket_of(grain, on)
        for where in places:
            key = (figure, where, grain, bucket, mask, k)
            t = cube.get(key)
            if t is None:
                t = cube[key] = Tally()
            t.n += n
            t.x1 += x1
            t.x2 += x2
            t.hours += hours
            for name in names:
                t.flags[name] += n


@dataclass(frozen=True)
class Ask:
    """Sums of one figure's entries dated lo..hi (None: unbounded), grouped by k and maybe
    by month, municipality and risk groups; `here`: only entries at the filter's organisation."""

    figure: str
    lo: date | None
    hi: date | None
    by_month: bool = False
    by_place: bool = False
    by_risk: bool = False
    here: bool = False


Group = tuple[str, date | None, str | None, int | None]
"""k, month, municipality, riskmask (None where the ask does not group by it)."""
Sums = dict[Group, Tally]


def by_k(sums: Sums) -> dict[str, Tally]:
    """The sums per k (over months, municipalities and risk groups)."""
    out: dict[str, Tally] = {}
    for (k, *_), tally in sums.items():
        out.setdefault(k, Tally()).add(tally)
    return out


def total(sums: Sums) -> Tally:
    """Everything added up."""
    out = Tally()
    for tally in sums.values():
        out.add(tally)
    return out
