"""Candidate search that grows with the plausible candidates, not with every pair.

Openings and participants are kept in a geographic grid (cells of about 33 km) so a
search only looks at cells within travel distance, plus the remote openings / telework-ready
participants. Required skills have inverted lists: when an opening ranks its candidates, those
holding a required skill are scored first, and everyone else is skipped once no one without
those skills could still reach the shortlist (their score is bounded by the other weights).
The results are the same as the brute-force functions below, which the tests check.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.constraints import travel_limit_km
from services.matching.domain.geo import Cell, cell_of, cells_within
from services.matching.domain.model import Candidate, OpeningView
from services.matching.domain.scoring import Explanation, ScoringConfig, explain


@dataclass(frozen=True)
class Ranked:
    """A feasible pair with its explanation."""

    participant_id: UUID
    opening_id: UUID
    explanation: Explanation

    @property
    def score(self) -> float:
        return self.explanation.score


def _key(r: Ranked) -> tuple[float, str, str]:
    return (-r.score, str(r.opening_id), str(r.participant_id))


def rank(
    candidates: Iterable[Candidate], openings: Iterable[OpeningView], config: ScoringConfig
) -> list[Ranked]:
    """Every feasible pair of the given candidates and openings, best first."""
    out = []
    for c in candidates:
        for o in openings:
            e = explain(c, o, config)
            if e.rejected is None:
                out.append(Ranked(c.participant_id, o.opening_id, e))
    return sorted(out, key=_key)


def brute_best_openings(
    candidate: Candidate, openings: Iterable[OpeningView], k: int, config: ScoringConfig
) -> list[Ranked]:
    """The k best openings for a participant, comparing with every opening."""
    return rank([candidate], openings, config)[:k]


def brute_best_candidates(
    opening: OpeningView, candidates: Iterable[Candidate], k: int, config: ScoringConfig
) -> list[Ranked]:
    """The k best candidates for an opening, comparing with every participant."""
    return rank(candidates, [opening], config)[:k]


class OpeningIndex:
    """Open openings by grid cell, plus the ones that can be done remotely."""

    def __init__(self) -> None:
        self._by_cell: dict[Cell, dict[UUID, OpeningView]] = defaultdict(dict)
        self._remote: dict[UUID, OpeningView] = {}

    def add(self, opening: OpeningView) -> None:
        """Index an opening (re-adding replaces it)."""
        if opening.remote:
            self._remote[opening.opening_id] = opening
        if opening.lat is not None and opening.lon is not None:
            self._by_cell[cell_of(opening.lat, opening.lon)][opening.opening_id] = opening

    def nearby(self, candidate: Candidate, walking_km: float) -> dict[UUID, OpeningView]:
        """Openings the participant might reach: in cells within their travel limit, or remote."""
        view = candidate.view
        found: dict[UUID, OpeningView] = dict(self._remote) if view.telework_ready else {}
        if view.lat is not None and view.lon is not None:
            radius = travel_limit_km(candidate, walking_km)
            for cell in cells_within(view.lat, view.lon, radius):
                found.update(self._by_cell.get(cell, {}))
        return found

    def best_for(self, candidate: Candidate, k: int, config: ScoringConfig) -> list[Ranked]:
        """The k best openings for a participant."""
        return rank([candidate], self.nearby(candidate, config.walking_km).values(), config)[:k]


class CandidateIndex:
    """Participants ready for matching, by grid cell, telework readiness and skill."""

    def __init__(self) -> None:
        self._by_cell: dict[Cell, dict[UUID, Candidate]] = defaultdict(dict)
        self._telework: dict[UUID, Candidate] = {}
        self._by_skill: dict[str, set[UUID]] = defaultdict(set)
        self._max_reach_km = 0.0

    def add(self, candidate: Candidate, walking_km: float = 3.0) -> None:
        """Index a participant."""
        view = candidate.view
        if view.telework_ready:
            self._telework[candidate.participant_id] = candidate
        if view.lat is not None and view.lon is not None:
            self._by_cell[cell_of(view.lat, view.lon)][candidate.participant_id] = candidate
            reach = travel_limit_km(candidate, walking_km)
            self._max_reach_km = max(self._max_reach_km, reach)
        for skill in view.skills:
            self._by_skill[skill].add(candidate.participant_id)

    def nearby(self, opening: OpeningView) -> dict[UUID, Candidate]:
        """Participants who might reach the opening (within the longest travel limit)."""
        found: dict[UUID, Candidate] = dict(self._telework) if opening.remote else {}
        if opening.lat is not None and opening.lon is not None:
            for cell in cells_within(opening.lat, opening.lon, self._max_reach_km):
                found.update(self._by_cell.get(cell, {}))
        return found

    def best_for(self, opening: OpeningView, k: int, config: ScoringConfig) -> list[Ranked]:
        """The k best participants for an opening, skill holders first."""
        pool = self.nearby(opening)
        holders: set[UUID] = set()
        for skill in opening.required_skills:
            holders |= self._by_skill.get(skill, set())
        first = [c for pid, c in pool.items() if pid in holders]
        best = rank(first, [opening], config)[:k]
        if opening.required_skills and len(best) == k:
            # Without a required skill, the skill factor is 0: nobody else can score higher.
            bound = 1.0 - config.weights.required_skills
            if bound < best[-1].score:
                return best
        rest = [c for pid, c in pool.items() if pid not in holders]
        return sorted(best + rank(rest, [opening], config), key=_key)[:k]
