"""A mobile work-practice centre: a workshop on wheels that visits municipalities in turn
(as in the Rakvere youth-work model). Its opening carries a schedule of stops — where it is
from which day to which — and distance counts from the stop covering the day considered.

Pure: no I/O. A stop names its place by coordinates, or by a municipality that a resolver
(the caller's, e.g. the municipalities' centres) turns into coordinates.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from services.matching.domain.model import OpeningView

Point = tuple[float, float]
Resolver = Callable[[str], Point | None]


@dataclass(frozen=True)
class Stop:
    """Where the centre is from `starts_on` to `ends_on` (both days included)."""

    starts_on: date
    ends_on: date
    lat: float | None = None
    lon: float | None = None
    municipality: str | None = None


def schedule_problems(schedule: Sequence[Stop]) -> list[tuple[int, str]]:
    """Each bad stop by its index and reason: `ends_before_start`, `place_missing` (neither
    coordinates nor a municipality), `half_coordinates`, `stops_overlap` (the later of two
    stops sharing a day: the centre is in one place a day). Empty when the schedule is good."""
    problems: list[tuple[int, str]] = []
    for i, stop in enumerate(schedule):
        if stop.ends_on < stop.starts_on:
            problems.append((i, "ends_before_start"))
        elif (stop.lat is None) != (stop.lon is None):
            problems.append((i, "half_coordinates"))
        elif stop.lat is None and not (stop.municipality or "").strip():
            problems.append((i, "place_missing"))
    good = sorted((s.starts_on, i, s) for i, s in enumerate(schedule) if s.ends_on >= s.starts_on)
    latest_end: date | None = None
    for _, i, stop in good:
        if latest_end is not None and stop.starts_on <= latest_end:
            problems.append((i, "stops_overlap"))
        latest_end = stop.ends_on if latest_end is None else max(latest_end, stop.ends_on)
    return sorted(problems)


def stop_on(schedule: Sequence[Stop], day: date) -> Stop | None:
    """The stop covering `day` (of overlapping ones, the one starting last), or None."""
    covering = [s for s in schedule if s.starts_on <= day <= s.ends_on]
    return max(covering, key=lambda s: s.starts_on) if covering else None


def location_on(
    schedule: Sequence[Stop], day: date, base: Point | None, resolve: Resolver
) -> Point | None:
    """Where the opening is on `day`: the covering stop's coordinates, else its
    municipality's (by `resolve`); with no stop that day (or a place that cannot be
    resolved), the opening's own location `base`."""
    stop = stop_on(schedule, day)
    if stop is None:
        return base
    if stop.lat is not None and stop.lon is not None:
        return (stop.lat, stop.lon)
    resolved = resolve(stop.municipality) if stop.municipality else None
    return resolved if resolved is not None else base


def opening_on(
    opening: OpeningView, schedule: Sequence[Stop], day: date, resolve: Resolver
) -> OpeningView:
    """The opening as the matching rules see it on `day`: located at that day's stop, so
    every distance (the travel constraint and the score's distance) counts from there."""
    if not schedule:
        return opening
    base = (
        (opening.lat, opening.lon) if opening.lat is not None and opening.lon is not None else None
    )
    where = location_on(schedule, day, base, resolve)
    lat, lon = where if where is not None else (None, None)
    return dataclasses.replace(opening, lat=lat, lon=lon)
