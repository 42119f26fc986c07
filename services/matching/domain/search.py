"""The index's inner loop: a feasibility check and score without explanations, and a
branch-and-bound top-k over groups of entries that each carry an upper bound on the score.

`feasible_score` gives exactly the score `explain` gives (same operations in the same order),
or None where `explain` reports a rejection; the explanation (its sentences) is only built for
the k pairs returned. Groups are visited from the highest bound down; once k pairs are held and
the next group's bound is below the k-th score, no entry left can enter the top k.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from services.matching.domain.geo import (
    CELL_DEGREES_LAT,
    CELL_DEGREES_LON,
    EARTH_RADIUS_KM,
    Cell,
    haversine_km,
)
from services.matching.domain.model import Candidate, OpeningView
from services.matching.domain.scoring import ScoringConfig
from shared.events.vocabulary import Transport

T = TypeVar("T")
SLACK = 1e-9
"""Bounds are compared with this margin, so float rounding never cuts off a tie."""


def feasible_score(c: Candidate, o: OpeningView, config: ScoringConfig) -> float | None:
    """The pair's score as `explain` computes it, or None when a hard constraint fails."""
    view = c.view
    if o.seats_left <= 0 or o.hours_min > view.availability_hours:
        return None
    if not o.admits(c.groups):
        return None
    if view.opening_kinds and o.kind not in view.opening_kinds:
        return None
    if o.languages and not (o.languages & view.languages):
        return None
    if o.remote and view.telework_ready:
        km = 0.0
    elif view.lat is None or view.lon is None or o.lat is None or o.lon is None:
        return None
    else:
        km = haversine_km(view.lat, view.lon, o.lat, o.lon)
    if km > view.max_travel_km or (view.transport == Transport.NONE and km > config.walking_km):
        return None
    if view.accessibility_needs and view.accessibility_needs - o.accessibility:
        return None
    w, req, nice, tags = config.weights, o.required_skills, o.nice_skills, o.tags
    total = (
        (len(view.skills & req) / len(req) if req else 1.0) * w.required_skills
        + (len(view.skills & nice) / len(nice) if nice else 1.0) * w.nice_to_have
        + (1.0 if km == 0.0 and o.remote else math.exp(-km / config.distance_decay_km)) * w.distance
        + (len(view.interests & tags) / len(tags) if tags else 0.0) * w.interests
        + min(1.0, view.waiting_days / config.waiting_saturation_days) * w.waiting
    )
    return min(1.0, max(0.0, total))


@dataclass
class Group(Generic[T]):
    """Entries kept together (one cell, language and skill), with their longest wait."""

    members: dict[int, T] = field(default_factory=dict)
    max_waiting_days: float = 0.0

    def put(self, key: int, entry: T, waiting_days: float = 0.0) -> None:
        """Add or replace an entry."""
        self.members[key] = entry
        self.max_waiting_days = max(self.max_waiting_days, waiting_days)


def distance_bound(lat: float, lon: float, cell: Cell, config: ScoringConfig) -> float:
    """An upper bound on the distance factor for any point of `cell` seen from (lat, lon).

    The haversine formula with the smallest latitude and longitude gaps to the cell and the
    smallest cosine of latitude over the cell bounds the great-circle distance from below."""
    south, west = cell[0] * CELL_DEGREES_LAT, cell[1] * CELL_DEGREES_LON
    gap_lat = max(0.0, south - lat, lat - (south + CELL_DEGREES_LAT))
    gap_lon = max(0.0, west - lon, lon - (west + CELL_DEGREES_LON))
    if gap_lat == 0.0 and gap_lon == 0.0:
        return 1.0
    far = min(89.9, max(abs(south), abs(south + CELL_DEGREES_LAT)))
    cos_min = math.cos(math.radians(lat)) * math.cos(math.radians(far))
    hav = math.sin(math.radians(gap_lat) / 2) ** 2
    if gap_lon < 180.0:
        hav += cos_min * math.sin(math.radians(gap_lon) / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(hav))) * (1 - 1e-9)
    return math.exp(-km / config.distance_decay_km)


def best_k(
    groups: Iterable[tuple[float, Iterable[tuple[int, T]]]],
    k: int,
    score: Callable[[T], float | None],
) -> list[tuple[float, T]]:
    """The k entries with the highest score (ties: the lowest key first), best first.

    `groups` are (upper bound on every score in it, (key, entry) pairs); an entry may be in
    several groups: it is scored once, and it needs only one group whose bound holds for it.
    """
    if k <= 0:
        return []
    held: list[tuple[float, int, T]] = []  # a min-heap: the worst held entry first
    seen: set[int] = set()
    for bound, members in sorted(groups, key=lambda g: -g[0]):
        if len(held) >= k and bound + SLACK < held[0][0]:
            break
        for key, entry in members:
            if key in seen:
                continue
            seen.add(key)
            s = score(entry)
            if s is None:
                continue
            if len(held) < k:
                heapq.heappush(held, (s, -key, entry))
            elif (s, -key) > held[0][:2]:
                heapq.heapreplace(held, (s, -key, entry))
    return [(s, entry) for s, _, entry in sorted(held, key=lambda h: (-h[0], -h[1]))]
