"""Scores stay in [0, 1] and their explanations add up to them."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.matching.domain import ScoringConfig, Weights, explain, haversine_km
from services.matching.settings import MatchingSettings

from .builders import KAUSTINEN, VETELI, candidate, opening

SKILLS = st.frozensets(st.sampled_from(["woodwork", "cooking", "painting", "it", "cleaning"]))
weights = st.builds(
    Weights,
    required_skills=st.floats(0, 5),
    nice_to_have=st.floats(0, 5),
    distance=st.floats(0, 5),
    interests=st.floats(0, 5),
    waiting=st.floats(0.01, 5),
)


@given(
    w=weights,
    required=SKILLS,
    nice=SKILLS,
    tags=st.frozensets(st.sampled_from(["crafts", "outdoors", "music"])),
    waited=st.floats(0, 1000),
    remote=st.booleans(),
    telework=st.booleans(),
)
def test_contributions_add_up_to_the_score(
    w: Weights,
    required: frozenset[str],
    nice: frozenset[str],
    tags: frozenset[str],
    waited: float,
    remote: bool,
    telework: bool,
) -> None:
    config = ScoringConfig(weights=w.normalised())
    place = opening(required_skills=required, nice_skills=nice, tags=tags, remote=remote)
    e = explain(candidate(waited_days=waited, telework_ready=telework), place, config)
    assert e.rejected is None
    assert 0.0 <= e.score <= 1.0
    assert sum(f.contribution for f in e.factors) == pytest.approx(e.score, abs=1e-9)
    for f in e.factors:
        assert 0.0 <= f.value <= 1.0
        assert f.contribution == pytest.approx(f.value * f.weight)
    assert sum(f.weight for f in e.factors) == pytest.approx(1.0)


def test_factor_values_follow_the_pair() -> None:
    place = opening(required_skills=frozenset({"woodwork", "it"}))
    e = explain(candidate(waited_days=90), place, ScoringConfig())
    values = {f.name: f.value for f in e.factors}
    assert values["required_skills"] == 0.5
    assert values["nice_to_have"] == 0.0
    assert values["interests"] == 1.0
    assert values["waiting"] == pytest.approx(0.5)
    assert 0.6 < values["distance"] < 0.7  # exp(-~9 km / 25 km)
    assert "has 1 of 2 required skills" in e.plain_words()
    assert haversine_km(*KAUSTINEN, *VETELI) == pytest.approx(9.3, abs=0.2)


def test_closer_and_longer_waiting_scores_higher() -> None:
    config = ScoringConfig()
    near = explain(candidate(), opening(at=KAUSTINEN), config).score
    far = explain(candidate(), opening(), config).score
    assert near > far
    patient = explain(candidate(waited_days=150), opening(), config).score
    assert patient > far


def test_default_weights_add_up_to_one_and_are_configurable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert MatchingSettings().weights().total == pytest.approx(1.0)
    monkeypatch.setenv("POLKU_MATCHING_WEIGHT_DISTANCE", "0")
    settings = MatchingSettings()
    assert settings.scoring().weights.distance == 0
    assert settings.scoring().weights.total == pytest.approx(1.0)


def test_all_zero_weights_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    zero: dict[str, Any] = {
        f"weight_{n}": 0
        for n in ("required_skills", "nice_to_have", "distance", "interests", "waiting")
    }
    with pytest.raises(ValueError, match="weight"):
        MatchingSettings(**zero)
