"""Ranking every feasible pair: what the service proposed from before the index, and the
brute-force references the index is checked against (same scores, same tie-breaks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from services.matching.domain.model import Candidate, OpeningView
from services.matching.domain.scoring import Explanation, ScoringConfig, explain
from services.matching.domain.search import feasible_score


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
    """Every feasible pair of the given candidates and openings, best first (only feasible
    pairs are explained: the cheap check screens out the rest)."""
    openings = list(openings)
    out = [
        Ranked(c.participant_id, o.opening_id, explain(c, o, config))
        for c in candidates
        for o in openings
        if feasible_score(c, o, config) is not None
    ]
    return sorted(out, key=_key)


def _explain_every_pair(
    candidates: Iterable[Candidate], openings: Iterable[OpeningView], config: ScoringConfig
) -> list[Ranked]:
    openings = list(openings)
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
    """The k best openings for a participant, explaining every pair (the reference)."""
    return _explain_every_pair([candidate], openings, config)[:k]


def brute_best_candidates(
    opening: OpeningView, candidates: Iterable[Candidate], k: int, config: ScoringConfig
) -> list[Ranked]:
    """The k best candidates for an opening, explaining every pair (the reference)."""
    return _explain_every_pair(candidates, [opening], config)[:k]
