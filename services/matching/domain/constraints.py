"""Hard constraints: a pair that fails one is never proposed, whatever its score."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services.matching.domain.model import Candidate, OpeningView, distance_km
from shared.events.vocabulary import Transport


@dataclass(frozen=True)
class Rejection:
    """Why a pair cannot be matched: the first constraint that failed."""

    constraint: str
    message: str


def travel_limit_km(candidate: Candidate, walking_km: float) -> float:
    """How far the participant can go: walking distance only when they have no transport."""
    view = candidate.view
    if view.transport == Transport.NONE:
        return min(view.max_travel_km, walking_km)
    return view.max_travel_km


def _seats(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    if o.seats_left <= 0:
        return Rejection("seats_left", "the opening has no seats left")
    return None


def _eligibility(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    if not o.admits(c.groups):
        # the groups are not named: a programme's aim is not told to whoever reads this
        return Rejection("eligibility", "the opening is reserved for other groups")
    return None


def _opening_kind(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    wanted = c.view.opening_kinds
    if wanted and o.kind not in wanted:
        return Rejection("opening_kind", f"the case plan does not aim at a {o.kind}")
    return None


def _language(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    if o.languages and not (o.languages & c.view.languages):
        return Rejection("language", "no shared language")
    return None


def _hours(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    if o.hours_min > c.view.availability_hours:
        return Rejection(
            "hours",
            f"needs at least {o.hours_min} h a week; available {c.view.availability_hours} h",
        )
    return None


def _travel(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    km = distance_km(c.view, o)
    if km is None:
        return Rejection("travel", "location unknown and the work cannot be done remotely")
    limit = travel_limit_km(c, walking_km)
    if km > limit:
        return Rejection("travel", f"{km:.0f} km away; can travel {limit:.0f} km")
    return None


def _accessibility(c: Candidate, o: OpeningView, walking_km: float) -> Rejection | None:
    missing = c.view.accessibility_needs - o.accessibility
    if missing:
        return Rejection("accessibility", "needs not offered: " + ", ".join(sorted(missing)))
    return None


Check = Callable[[Candidate, OpeningView, float], Rejection | None]
CONSTRAINTS: tuple[tuple[str, Check], ...] = (
    ("seats_left", _seats),
    ("eligibility", _eligibility),
    ("opening_kind", _opening_kind),
    ("language", _language),
    ("hours", _hours),
    ("travel", _travel),
    ("accessibility", _accessibility),
)
"""Checked in this order; the first failure is the one reported."""


def first_failure(
    candidate: Candidate, opening: OpeningView, *, walking_km: float = 3.0
) -> Rejection | None:
    """The first hard constraint the pair fails, or None when it may be matched."""
    for _name, check in CONSTRAINTS:
        rejection = check(candidate, opening, walking_km)
        if rejection is not None:
            return rejection
    return None
