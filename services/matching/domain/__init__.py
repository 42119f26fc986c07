"""Matching's pure rules: views, hard constraints, scoring with explanations, search index."""

from services.matching.domain.constraints import Rejection, first_failure, travel_limit_km
from services.matching.domain.geo import cell_key, cell_of, cells_within, haversine_km
from services.matching.domain.index import CandidateIndex, OpeningIndex
from services.matching.domain.model import (
    Candidate,
    CandidateView,
    OpeningView,
    candidate_from_profile,
    candidate_view,
    distance_km,
    eligibility_groups,
    words,
)
from services.matching.domain.ranking import (
    Ranked,
    brute_best_candidates,
    brute_best_openings,
    rank,
)
from services.matching.domain.scoring import (
    Explanation,
    Factor,
    ScoringConfig,
    Weights,
    explain,
    score,
)

__all__ = [
    "Candidate",
    "CandidateIndex",
    "CandidateView",
    "Explanation",
    "Factor",
    "OpeningIndex",
    "OpeningView",
    "Ranked",
    "Rejection",
    "ScoringConfig",
    "Weights",
    "brute_best_candidates",
    "brute_best_openings",
    "candidate_from_profile",
    "candidate_view",
    "cell_key",
    "cell_of",
    "cells_within",
    "distance_km",
    "eligibility_groups",
    "explain",
    "first_failure",
    "haversine_km",
    "rank",
    "score",
    "travel_limit_km",
    "words",
]
