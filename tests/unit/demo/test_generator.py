"""The demo generator: deterministic per seed, plausible distributions, a whole region."""

import tracemalloc
from collections import Counter
from itertools import islice

from demo import build_region, iter_participants, journey, year_schedule
from demo.bodies import fingerprint, intake_body
from demo.esco import OCCUPATIONS, SKILLS
from demo.places import load_places
from shared.events.vocabulary import OpeningKind, OrganisationKind, RiskGroup


def test_same_seed_gives_the_same_data() -> None:
    assert fingerprint(7, 300) == fingerprint(7, 300)


def test_different_seeds_give_different_data() -> None:
    assert fingerprint(7, 300) != fingerprint(8, 300)


def test_a_larger_population_starts_with_the_same_people() -> None:
    small = [p.national_id for p in iter_participants(4, 50)]
    large = [p.national_id for p in islice(iter_participants(4, 5000), 50)]
    assert small == large


def test_participant_distributions_are_plausible() -> None:
    people = list(iter_participants(21, 4000))
    bands = Counter(p.age_band for p in people)
    assert 0.18 < bands["under_25"] / 4000 < 0.30
    assert 0.14 < bands["over_54"] / 4000 < 0.26
    assert all(18 <= p.age <= 64 for p in people)
    groups = Counter(g for p in people for g in p.risk_groups)
    assert set(groups) == set(RiskGroup)
    assert 0.30 < groups[RiskGroup.LONG_TERM_UNEMPLOYED] / 4000 < 0.55
    isced = Counter(p.isced_level for p in people)
    assert isced[3] > isced[6] > isced[8] and set(isced) <= set(range(9))
    assert 0.1 < sum(p.telework_ready for p in people) / 4000 < 0.5


def test_languages_follow_the_places() -> None:
    people = list(iter_participants(22, 4000))
    narva = [p for p in people if p.place == "Narva"]
    assert sum(p.languages[0] == "ru" for p in narva) / len(narva) > 0.75
    finns = [p for p in people if p.country == "FI"]
    assert all(set(p.languages) <= {"fi", "sv", "en"} for p in finns)
    assert any("sv" in p.languages for p in finns)
    tartu = [p for p in people if p.place == "Tartu"]
    assert sum(p.languages[0] == "et" for p in tartu) / len(tartu) > 0.8


def test_status_agrees_with_months_unemployed_and_risk_groups() -> None:
    for p in iter_participants(23, 2000):
        assert RiskGroup(p.labour_market_status.value) in p.risk_groups
        if p.labour_market_status == "long_term_unemployed":
            assert p.months_unemployed >= 12
        if RiskGroup.YOUNG_NEET in p.risk_groups:
            assert p.age < 25


def test_skills_and_interests_come_from_the_esco_list() -> None:
    uris = {c.uri for c in (*SKILLS, *OCCUPATIONS)}
    for p in iter_participants(24, 500):
        assert p.skills and set(p.skills) <= uris and set(p.interests) <= uris
        body = intake_body(p)
        assert all(u.startswith("http://data.europa.eu/esco/") for u in body["skills"])


def test_every_place_and_municipality_appears() -> None:
    people = list(iter_participants(25, 3000))
    assert {p.place for p in people} == {pl.name for pl in load_places()}


def test_region_has_every_kind_of_organisation_and_opening() -> None:
    region = build_region(seed=7, participants=200)
    assert {o.kind for o in region.organisations} == set(OrganisationKind)
    assert {o.kind for o in region.openings} == set(OpeningKind)
    kaustinen = [o for o in region.organisations if o.kind == "central_workshop"]
    assert [o.place for o in kaustinen] == ["Kaustinen"]
    satellites = {o.place for o in region.organisations if o.kind == "satellite_workshop"}
    assert satellites == {"Veteli", "Halsua", "Perho", "Toholampi", "Lestijärvi"}
    telework = {o.place for o in region.organisations if o.kind == "telework_centre"}
    assert telework == {"Kõnnu", "Laulasmaa", "Kanepi", "Paide", "Abja-Paluoja"}


def test_support_workers_serve_every_municipality_with_enough_capacity() -> None:
    region = build_region(seed=7, participants=200)
    served = {m for w in region.support_workers for m in w.municipalities}
    assert served >= {p.municipality for p in load_places()}
    capacity = sum(w.caseload_limit for w in region.support_workers)
    assert 150 <= capacity <= 400
    assert all(3 <= w.caseload_limit <= 10 for w in region.support_workers)


def test_the_region_scales_with_the_population() -> None:
    small, large = build_region(1, 100), build_region(1, 100_000)
    assert len(large.support_workers) > 50 * len(small.support_workers) // 10
    assert len(large.openings) > len(small.openings)


def test_a_journey_is_ordered_and_ends_with_exit_then_follow_up() -> None:
    actions = [a for a in year_schedule(9, 100) if a.index == 42]
    kinds = [a.kind for a in actions]
    assert kinds[0] == "register" and kinds[-2:] == ["exit", "follow_up"]
    assert actions[-1].day - actions[-2].day == 182
    assert journey(9, 42, 100) == journey(9, 42, 100)


def test_the_schedule_is_in_day_order() -> None:
    days = [a.day for a in year_schedule(10, 500)]
    assert days == sorted(days)


def test_a_million_participants_stream_in_constant_memory() -> None:
    tracemalloc.start()
    try:
        stream = iter_participants(1, 1_000_000)
        for _ in islice(stream, 2_000):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


def test_a_million_participant_year_is_generated_lazily() -> None:
    first = list(islice(year_schedule(1, 1_000_000), 2000))
    assert [a.day for a in first] == sorted(a.day for a in first)
    assert first[0].kind == "register" and first[-1].day < 2
