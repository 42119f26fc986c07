"""Fairness: only special-category attributes changed means no score changed."""

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.domain import ScoringConfig, candidate_view, score
from shared.events.vocabulary import LabourMarketStatus, RiskGroup, Sex

from .builders import NOW, opening, profile

special = st.fixed_dictionaries(
    {
        "sex": st.sampled_from(list(Sex)),
        "birth_year": st.none() | st.integers(1950, 2010),
        "age_at_entry": st.none() | st.integers(15, 75),
        "age_band": st.sampled_from(["unknown", "under_18", "18_24", "25_29", "30_54", "55_plus"]),
        "risk_groups": st.lists(st.sampled_from(list(RiskGroup)), unique=True),
        "labour_market_status": st.sampled_from(list(LabourMarketStatus)),
        "months_unemployed": st.integers(0, 240),
        "in_education_or_training": st.booleans(),
        "isced_level": st.none() | st.integers(0, 8),
        "special_categories_refused": st.booleans(),
    }
)
ordinary = st.fixed_dictionaries(
    {
        "skills": st.lists(st.sampled_from(["woodwork", "cooking", "painting", "it"])),
        "interests": st.lists(st.sampled_from(["crafts", "outdoors", "music"])),
        "availability_hours": st.integers(10, 60),
        "telework_ready": st.booleans(),
        "max_travel_km": st.floats(0, 200),
    }
)


@settings(max_examples=200)
@given(base=ordinary, one=special, other=special, waited=st.integers(0, 400))
def test_changing_only_special_categories_changes_no_score(
    base: dict[str, Any], one: dict[str, Any], other: dict[str, Any], waited: int
) -> None:
    first = profile(**base, **one)
    second = first.model_copy(update=other)
    since = NOW - timedelta(days=waited)
    view_one = candidate_view(first, waiting_since=since, now=NOW)
    view_two = candidate_view(second, waiting_since=since, now=NOW)
    assert view_one == view_two
    config = ScoringConfig()
    for place in (opening(), opening(remote=True, tags=frozenset())):
        assert score(view_one, place, config) == score(view_two, place, config)


def test_the_view_has_no_special_category_fields() -> None:
    from dataclasses import fields

    from services.matching.domain import CandidateView

    names = {f.name for f in fields(CandidateView)}
    forbidden = {"sex", "birth_year", "age_at_entry", "age_band", "risk_groups", "isced_level"}
    assert not names & forbidden
