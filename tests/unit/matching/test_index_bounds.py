"""The bounded search (skills, nice-to-have skills, interest tags, distance bounds) gives
exactly the brute-force proposals, over varied populations and score weights."""

import math
import random
from uuid import UUID

import pytest

from services.matching.domain import (
    Candidate,
    CandidateIndex,
    CandidateView,
    OpeningIndex,
    OpeningView,
    ScoringConfig,
    Weights,
    brute_best_candidates,
    brute_best_openings,
)
from services.matching.domain.scoring import explain
from services.matching.domain.search import distance_bound, feasible_score
from shared.events.vocabulary import Transport

SKILLS = [f"s{i}" for i in range(8)]
TAGS = [f"t{i}" for i in range(5)]
KINDS = ["workshop_place", "work_practice", "volunteering"]
CENTRES = [(63.548, 23.697), (63.215, 24.419), (59.359, 27.421)]


def _near(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(CENTRES)
    return lat + rng.gauss(0, 0.3), lon + rng.gauss(0, 0.6)


def _some(rng: random.Random, values: list[str], most: int) -> frozenset[str]:
    return frozenset(rng.sample(values, rng.randint(0, most)))


def _candidate(rng: random.Random, i: int) -> Candidate:
    lat, lon = _near(rng) if rng.random() < 0.95 else (None, None)
    view = CandidateView(
        participant_id=UUID(int=i + 1),
        lat=lat,
        lon=lon,
        languages=_some(rng, ["fi", "sv", "et"], 2),
        skills=_some(rng, SKILLS, 3),
        interests=_some(rng, TAGS, 2),
        availability_hours=rng.choice([10, 20, 40]),
        transport=rng.choice(list(Transport)),
        max_travel_km=rng.choice([5.0, 20.0, 60.0, 150.0]),
        telework_ready=rng.random() < 0.2,
        accessibility_needs=frozenset({"step-free"}) if rng.random() < 0.1 else frozenset(),
        waiting_days=rng.choice([0.0, 30.0, rng.uniform(0, 400)]),
        opening_kinds=_some(rng, KINDS, 2),
    )
    groups = frozenset({"youth"}) if rng.random() < 0.3 else frozenset()
    return Candidate(view=view, groups=groups)


def _opening(rng: random.Random, i: int) -> OpeningView:
    lat, lon = _near(rng)
    return OpeningView(
        opening_id=UUID(int=10**6 + i),
        organisation_id=UUID(int=1),
        kind=rng.choice(KINDS),
        seats_left=rng.choice([0, 1, 2, 3]),
        lat=lat,
        lon=lon,
        remote=rng.random() < 0.1,
        required_skills=_some(rng, SKILLS, 2),
        nice_skills=_some(rng, SKILLS, 2),
        languages=_some(rng, ["fi", "sv", "et"], 1),
        hours_min=rng.choice([0, 10, 20]),
        accessibility=frozenset({"step-free"}) if rng.random() < 0.5 else frozenset(),
        eligible_groups=frozenset({"youth"}) if rng.random() < 0.1 else frozenset(),
        tags=_some(rng, TAGS, 2),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bounded_search_matches_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    weights = Weights(*(rng.choice([0.0, 0.1, 0.3, 1.0]) for _ in range(4)), waiting=0.2)
    config = ScoringConfig(weights=weights.normalised(), distance_decay_km=rng.choice([5, 25]))
    candidates = [_candidate(rng, i) for i in range(500)]
    openings = [_opening(rng, i) for i in range(120)]
    by_cell, by_place = CandidateIndex(), OpeningIndex()
    for c in candidates:
        by_cell.add(c)
    for o in openings:
        by_place.add(o)
    found = 0
    for o in openings:
        got = by_cell.best_for(o, 4, config)
        assert got == brute_best_candidates(o, candidates, 4, config)
        found += len(got)
    for c in candidates[:150]:
        assert by_place.best_for(c, 3, config) == brute_best_openings(c, openings, 3, config)
    assert found > 50


def test_feasible_score_is_the_explained_score_or_none() -> None:
    rng = random.Random(9)
    config = ScoringConfig()
    for i in range(2000):
        c, o = _candidate(rng, i), _opening(rng, i)
        e = explain(c, o, config)
        assert feasible_score(c, o, config) == (None if e.rejected else e.score)


def test_distance_bound_never_below_the_real_distance_factor() -> None:
    from services.matching.domain.geo import cell_of, haversine_km

    rng = random.Random(4)
    config = ScoringConfig()
    for _ in range(3000):
        (lat, lon), (lat2, lon2) = _near(rng), _near(rng)
        factor = math.exp(-haversine_km(lat, lon, lat2, lon2) / 25.0)
        assert distance_bound(lat, lon, cell_of(lat2, lon2), config) >= factor - 1e-12


def test_rank_screens_pairs_but_returns_what_explaining_every_pair_returns() -> None:
    from services.matching.domain.index import _explain_every_pair, rank

    rng = random.Random(6)
    config = ScoringConfig()
    candidates = [_candidate(rng, i) for i in range(60)]
    openings = [_opening(rng, i) for i in range(40)]
    ranked = rank(candidates, openings, config)
    assert ranked == _explain_every_pair(candidates, openings, config)
    assert len(ranked) > 10
