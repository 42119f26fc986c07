"""The indexed search proposes exactly what brute force proposes, looking at fewer pairs."""

import random
from datetime import timedelta
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from services.matching.domain import (
    Candidate,
    CandidateIndex,
    OpeningIndex,
    OpeningView,
    ScoringConfig,
    brute_best_candidates,
    brute_best_openings,
    candidate_from_profile,
    cell_of,
    cells_within,
    haversine_km,
)

from .builders import NOW, profile

CONFIG = ScoringConfig()
CENTRES = [(63.548, 23.697), (63.215, 24.419), (59.359, 27.421), (58.378, 26.729)]
SKILLS = ["woodwork", "cooking", "painting", "it", "cleaning", "driving", "care"]


def _near(rng: random.Random) -> tuple[float, float]:
    lat, lon = rng.choice(CENTRES)
    return lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-1, 1)


def _candidate(rng: random.Random, i: int) -> Candidate:
    p = profile(
        participant_id=UUID(int=i + 1),
        at=_near(rng),
        languages=rng.sample(["fi", "sv", "et", "ru", "en"], rng.choice([0, 1, 2, 2])),
        skills=rng.sample(SKILLS, rng.randint(0, 3)),
        transport=rng.choice(["none", "public", "car", "bicycle"]),
        max_travel_km=rng.choice([5, 20, 40, 80]),
        telework_ready=rng.random() < 0.2,
        availability_hours=rng.choice([10, 20, 30]),
    )
    return candidate_from_profile(
        p, waiting_since=NOW - timedelta(days=rng.randint(0, 300)), now=NOW
    )


def _opening(rng: random.Random, i: int) -> OpeningView:
    lat, lon = _near(rng)
    return OpeningView(
        opening_id=UUID(int=10_000 + i),
        organisation_id=UUID(int=1),
        kind="work_practice",
        seats_left=rng.randint(1, 3),
        lat=lat,
        lon=lon,
        remote=rng.random() < 0.1,
        required_skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
        nice_skills=frozenset(rng.sample(SKILLS, rng.randint(0, 2))),
        languages=frozenset(rng.sample(["fi", "sv", "et", "ru"], rng.choice([0, 1, 1, 2]))),
        hours_min=rng.choice([0, 10, 20]),
    )


def test_indexed_search_returns_the_brute_force_proposals() -> None:
    rng = random.Random(5)
    candidates = [_candidate(rng, i) for i in range(600)]
    openings = [_opening(rng, i) for i in range(150)]
    by_cell, by_place = CandidateIndex(), OpeningIndex()
    for c in candidates:
        by_cell.add(c)
    for o in openings:
        by_place.add(o)
    proposals = 0
    for o in openings:
        indexed = by_cell.best_for(o, 5, CONFIG)
        assert indexed == brute_best_candidates(o, candidates, 5, CONFIG)
        proposals += len(indexed)
        assert len(by_cell.nearby(o)) < len(candidates)
    for c in candidates[:200]:
        assert by_place.best_for(c, 3, CONFIG) == brute_best_openings(c, openings, 3, CONFIG)
    assert proposals > 100  # the populations really overlap


@given(
    lat=st.floats(50, 70),
    lon=st.floats(15, 35),
    bearing=st.floats(0, 360),
    km=st.floats(0, 120),
)
def test_cells_within_cover_every_point_inside_the_radius(
    lat: float, lon: float, bearing: float, km: float
) -> None:
    import math

    # a point `km` away along `bearing` (small-distance approximation, then measured)
    dlat = km * math.cos(math.radians(bearing)) / 111.2
    dlon = km * math.sin(math.radians(bearing)) / (111.2 * math.cos(math.radians(lat)))
    other = (lat + dlat, lon + dlon)
    distance = haversine_km(lat, lon, *other)
    assert cell_of(*other) in cells_within(lat, lon, distance + 0.01)
