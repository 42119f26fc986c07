"""The score of a participant for an opening, in [0, 1], with its explanation."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from services.matching.domain.constraints import Rejection, first_failure
from services.matching.domain.model import Candidate, CandidateView, OpeningView, distance_km


@dataclass(frozen=True)
class Weights:
    """How much each factor counts; configuration, not code."""

    required_skills: float = 0.35
    nice_to_have: float = 0.15
    distance: float = 0.25
    interests: float = 0.10
    waiting: float = 0.15

    @property
    def total(self) -> float:
        return sum(getattr(self, f.name) for f in fields(self))

    def normalised(self) -> Weights:
        """The same weights scaled to add up to 1, so every score stays in [0, 1]."""
        total = self.total
        return Weights(**{f.name: getattr(self, f.name) / total for f in fields(self)})


@dataclass(frozen=True)
class ScoringConfig:
    """Everything the pure rules are tuned by."""

    weights: Weights = Weights()
    distance_decay_km: float = 25.0
    waiting_saturation_days: float = 180.0
    walking_km: float = 3.0


@dataclass(frozen=True)
class Factor:
    """One factor of a score: its value in [0, 1], its weight and what it contributed."""

    name: str
    value: float
    weight: float
    contribution: float
    text: str


@dataclass(frozen=True)
class Explanation:
    """Why a pair scored what it did, or which hard constraint rejected it."""

    score: float
    factors: tuple[Factor, ...] = ()
    rejected: Rejection | None = None

    def plain_words(self) -> list[str]:
        """The explanation as short sentences for an organisation."""
        if self.rejected is not None:
            return [f"Not a match: {self.rejected.message}."]
        return [f.text for f in self.factors]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form, stored with each proposal."""
        return {
            "score": self.score,
            "factors": [
                {"name": f.name, "value": f.value, "weight": f.weight,
                 "contribution": f.contribution, "text": f.text}
                for f in self.factors
            ],  # what asdict() gives, without its deep copies
            "rejected": asdict(self.rejected) if self.rejected else None,
            "plain_words": self.plain_words(),
        }  # fmt: skip


def _share(have: frozenset[str], wanted: frozenset[str]) -> float:
    return len(have & wanted) / len(wanted) if wanted else 1.0


def factor_values(
    view: CandidateView, opening: OpeningView, config: ScoringConfig
) -> dict[str, tuple[float, str]]:
    """Each factor's value in [0, 1] and its plain-words text."""
    req, nice = opening.required_skills, opening.nice_skills
    km = distance_km(view, opening)
    if km is None:
        distance = (0.0, "distance unknown")
    elif km == 0.0 and opening.remote:
        distance = (1.0, "can work remotely")
    else:
        distance = (math.exp(-km / config.distance_decay_km), f"about {km:.0f} km away")
    tags = opening.tags
    interest = len(view.interests & tags) / len(tags) if tags else 0.0
    waited = min(1.0, view.waiting_days / config.waiting_saturation_days)
    return {
        "required_skills": (
            _share(view.skills, req),
            f"has {len(view.skills & req)} of {len(req)} required skills"
            if req
            else "no required skills",
        ),
        "nice_to_have": (
            _share(view.skills, nice),
            f"has {len(view.skills & nice)} of {len(nice)} nice-to-have skills"
            if nice
            else "no nice-to-have skills asked",
        ),
        "distance": distance,
        "interests": (interest, f"shares {len(view.interests & tags)} of {len(tags)} interests"),
        "waiting": (waited, f"has waited {view.waiting_days:.0f} days for a placement"),
    }


def score(view: CandidateView, opening: OpeningView, config: ScoringConfig) -> Explanation:
    """The weighted score of a pair; it sees only the CandidateView, never special categories."""
    factors = []
    for name, (value, text) in factor_values(view, opening, config).items():
        weight = getattr(config.weights, name)
        factors.append(Factor(name, value, weight, value * weight, text))
    total = sum(f.contribution for f in factors)
    return Explanation(score=min(1.0, max(0.0, total)), factors=tuple(factors))


def explain(candidate: Candidate, opening: OpeningView, config: ScoringConfig) -> Explanation:
    """The first failed hard constraint (score 0), or the score with its factors."""
    rejection = first_failure(candidate, opening, walking_km=config.walking_km)
    if rejection is not None:
        return Explanation(score=0.0, rejected=rejection)
    return score(candidate.view, opening, config)
