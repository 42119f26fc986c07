"""Which live proposals an opening gives up when its seats are lowered (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class LiveProposal:
    """A proposal still waiting for the organisation's answer."""

    match_id: UUID
    score: float
    proposed_at: datetime


def proposal_slots(*, seats: int, accepted: int, proposals_per_seat: int) -> int:
    """How many live proposals an opening may hold: a few per seat still free."""
    return max(0, seats - accepted) * proposals_per_seat


def beyond_seats(live: list[LiveProposal], slots: int) -> list[UUID]:
    """The proposals to withdraw so that at most `slots` stay live: the lowest-ranked go
    first, and of equal scores the newest (the longest-waiting answer is kept); the match id
    breaks a remaining tie, so the choice never depends on the order given."""
    if len(live) <= slots:
        return []
    kept_first = sorted(live, key=lambda p: (-p.score, p.proposed_at, p.match_id))
    return [p.match_id for p in kept_first[max(0, slots) :]]
