"""Proposals for a batch of ready participants, one after another, from the opening index.

The same outcome as proposing to each participant alone in turn (what the service did with
one SQL read per participant): each takes the best openings they may still be proposed to
(`OpeningIndex.best_for`: hard constraints, score, ties to the lowest opening id), up to their
free live-proposal slots, among openings that still have a free proposal slot; each proposal
fills a slot before the next participant's turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.index import OpeningIndex
from services.matching.domain.model import Candidate, OpeningView
from services.matching.domain.ranking import Ranked
from services.matching.domain.scoring import ScoringConfig


@dataclass
class OpeningLoad:
    """An opening's capacity as the proposal limits count it."""

    seats: int
    accepted: int = 0
    live: int = 0

    def free_slots(self, proposals_per_seat: int) -> int:
        """How many more live proposals it may have: a few per seat still free."""
        return max(0, (self.seats - self.accepted) * proposals_per_seat - self.live)


@dataclass(frozen=True)
class Seeker:
    """A ready participant: how many more proposals they may hold, and where they were
    already proposed (a pair is proposed at most once)."""

    candidate: Candidate
    wanted: int
    proposed_to: frozenset[UUID] = frozenset()


def allocate(
    seekers: list[Seeker],
    index: OpeningIndex,
    loads: OpeningLoads,
    *,
    config: ScoringConfig,
    proposals_per_seat: int,
    still_open: Callable[[UUID], bool] = lambda _id: True,
) -> list[Ranked]:
    """Proposals for each seeker in turn, best first per seeker; counts them into `loads`."""
    proposed: list[Ranked] = []
    for seeker in seekers:
        if seeker.wanted <= 0:
            continue

        def allowed(o: OpeningView, seeker: Seeker = seeker) -> bool:
            load = loads.get(o.opening_id)
            return (
                load is not None
                and o.opening_id not in seeker.proposed_to
                and load.free_slots(proposals_per_seat) > 0
                and still_open(o.opening_id)
            )

        best = index.best_for(seeker.candidate, seeker.wanted, config, allow=allowed)
        for ranked in best:
            loads.count_proposal(ranked.opening_id)
        proposed += best
    return proposed


class OpeningLoads:
    """The capacity of the openings some participants can reach: the counts read for those
    with any accepted or live proposal, the seats alone for the others; an opening outside
    `reach` is unknown (None), so it is never proposed."""

    def __init__(
        self,
        reach: set[UUID],
        seats: Callable[[UUID], int],
        counted: dict[UUID, OpeningLoad] | None = None,
    ) -> None:
        self.reach, self._seats = reach, seats
        self._loads = dict(counted or {})

    def get(self, opening_id: UUID) -> OpeningLoad | None:
        """The opening's load, or None when it is not within reach."""
        load = self._loads.get(opening_id)
        if load is None and opening_id in self.reach:
            load = self._loads[opening_id] = OpeningLoad(seats=self._seats(opening_id))
        return load

    def count_proposal(self, opening_id: UUID) -> None:
        """One more live proposal."""
        load = self.get(opening_id)
        assert load is not None, "proposed an opening out of reach"
        load.live += 1
