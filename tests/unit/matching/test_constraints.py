"""Each hard constraint excludes a pair on its own."""

from typing import Any

import pytest

from services.matching.domain import ScoringConfig, explain, first_failure, haversine_km

from .builders import KAUSTINEN, PERHO, VETELI, candidate, opening

CONFIG = ScoringConfig()


def test_the_default_pair_is_feasible() -> None:
    assert first_failure(candidate(), opening()) is None


@pytest.mark.parametrize(
    ("person", "place", "constraint"),
    [
        ({}, {"seats_left": 0}, "seats_left"),
        ({}, {"eligible_groups": frozenset({"youth"})}, "eligibility"),
        ({"opening_kinds": ["regular_job"]}, {}, "opening_kind"),
        ({"languages": ["et"]}, {}, "language"),
        ({"availability_hours": 8}, {}, "hours"),
        ({"max_travel_km": 5}, {}, "travel"),
        ({"transport": "none", "max_travel_km": 50}, {}, "travel"),
        ({"location": None}, {}, "travel"),
        ({}, {"at": PERHO}, "travel"),
        ({"accessibility_needs": ["wheelchair"]}, {}, "accessibility"),
    ],
)
def test_each_hard_constraint_excludes_a_pair(
    person: dict[str, Any], place: dict[str, Any], constraint: str
) -> None:
    rejection = first_failure(candidate(**person), opening(**place))
    assert rejection is not None and rejection.constraint == constraint
    explanation = explain(candidate(**person), opening(**place), CONFIG)
    assert explanation.rejected == rejection and explanation.score == 0.0
    assert explanation.plain_words()[0].startswith("Not a match")


def test_the_first_failed_constraint_is_reported() -> None:
    rejection = first_failure(candidate(languages=["et"]), opening(seats_left=0, at=PERHO))
    assert rejection is not None and rejection.constraint == "seats_left"


def test_eligibility_groups_come_from_the_profile() -> None:
    young = candidate(age_band="18_24")
    assert first_failure(young, opening(eligible_groups=frozenset({"youth"}))) is None


def test_walking_distance_suffices_without_transport() -> None:
    walker = candidate(transport="none", max_travel_km=50)
    assert first_failure(walker, opening(at=KAUSTINEN)) is None
    assert haversine_km(*KAUSTINEN, *VETELI) > 3


def test_remote_opening_needs_telework_readiness() -> None:
    far_remote = opening(at=PERHO, remote=True)
    assert first_failure(candidate(telework_ready=True), far_remote) is None
    rejection = first_failure(candidate(telework_ready=False), far_remote)
    assert rejection is not None and rejection.constraint == "travel"


def test_accessibility_offered_meets_the_need() -> None:
    person = candidate(accessibility_needs=["Wheelchair"])
    assert first_failure(person, opening(accessibility=frozenset({"wheelchair"}))) is None


def test_opening_without_language_requirement_accepts_anyone() -> None:
    assert first_failure(candidate(languages=["et"]), opening(languages=frozenset())) is None
