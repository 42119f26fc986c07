"""Candidate search that grows with the plausible candidates, not with every pair.

Openings and participants are kept in a geographic grid (cells of about 33 km) with, per cell,
inverted lists by language (a shared language is a hard constraint), so a search only looks at
cells within travel distance (participants grouped by how far they can travel), plus the remote
openings / telework-ready participants. Required skills have inverted lists: when an opening ranks its candidates, those
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


ANY_LANGUAGE = "*"
"""The list of entries that ask for (or speak) no particular language."""
REACH_BUCKETS_KM = (3.0, 10.0, 20.0, 30.0, 50.0, 80.0, 120.0, 200.0)
"""Participants are grouped by how far they can travel, so an opening only looks as far as each
group can come (people without transport are found only in cells within walking distance)."""


def reach_bucket(km: float) -> float:
    """The smallest bucket at least as far as `km` (or `km` itself beyond the last)."""
    return next((b for b in REACH_BUCKETS_KM if km <= b), km)


def _language_keys(languages: frozenset[str]) -> list[str]:
    return [*languages, ANY_LANGUAGE] if languages else [ANY_LANGUAGE]


class OpeningIndex:
    """Open openings by grid cell and language, plus the ones that can be done remotely."""

    def __init__(self) -> None:
        self._by_cell: dict[tuple[Cell, str], dict[UUID, OpeningView]] = defaultdict(dict)
        self._remote: dict[str, dict[UUID, OpeningView]] = defaultdict(dict)

    def add(self, opening: OpeningView) -> None:
        """Index an opening (re-adding replaces it)."""
        keys = list(opening.languages) or [ANY_LANGUAGE]
        for language in keys:
            if opening.remote:
                self._remote[language][opening.opening_id] = opening
            if opening.lat is not None and opening.lon is not None:
                cell = cell_of(opening.lat, opening.lon)
                self._by_cell[(cell, language)][opening.opening_id] = opening

    def nearby(self, candidate: Candidate, walking_km: float) -> dict[UUID, OpeningView]:
        """Openings the participant might reach (within their travel limit, or remote) and
        whose language requirement they might meet."""
        view = candidate.view
        languages = [*view.languages, ANY_LANGUAGE]
        found: dict[UUID, OpeningView] = {}
        if view.telework_ready:
            for language in languages:
                found.update(self._remote.get(language, {}))
        if view.lat is not None and view.lon is not None:
            radius = travel_limit_km(candidate, walking_km)
            for cell in cells_within(view.lat, view.lon, radius):
                for language in languages:
                    found.update(self._by_cell.get((cell, language), {}))
        return found

    def best_for(self, candidate: Candidate, k: int, config: ScoringConfig) -> list[Ranked]:
        """The k best openings for a participant."""
        return rank([candidate], self.nearby(candidate, config.walking_km).values(), config)[:k]


class CandidateIndex:
    """Ready participants by travel reach, grid cell and language; telework readiness; skill."""

    def __init__(self) -> None:
        self._by_cell: dict[float, dict[tuple[Cell, str], dict[UUID, Candidate]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        self._telework: dict[str, dict[UUID, Candidate]] = defaultdict(dict)
        self._by_skill: dict[str, set[UUID]] = defaultdict(set)

    def add(self, candidate: Candidate, walking_km: float = 3.0) -> None:
        """Index a participant."""
        view, pid = candidate.view, candidate.participant_id
        for language in _language_keys(view.languages):
            if view.telework_ready:
                self._telework[language][pid] = candidate
            if view.lat is not None and view.lon is not None:
                bucket = reach_bucket(travel_limit_km(candidate, walking_km))
                self._by_cell[bucket][(cell_of(view.lat, view.lon), language)][pid] = candidate
        for skill in view.skills:
            self._by_skill[skill].add(pid)

    def nearby(self, opening: OpeningView) -> dict[UUID, Candidate]:
        """Participants who might reach the opening and share a language it asks for."""
        languages = list(opening.languages) or [ANY_LANGUAGE]
        found: dict[UUID, Candidate] = {}
        if opening.remote:
            for language in languages:
                found.update(self._telework.get(language, {}))
        if opening.lat is not None and opening.lon is not None:
            for reach, cells in self._by_cell.items():
                for cell in cells_within(opening.lat, opening.lon, reach):
                    for language in languages:
                        found.update(cells.get((cell, language), {}))
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
