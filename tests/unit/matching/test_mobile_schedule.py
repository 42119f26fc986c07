"""A mobile work-practice centre's schedule: the stop covering the day considered is where
the opening is, so the travel constraint and the distance count from there."""

from __future__ import annotations

from datetime import date

from services.matching.domain.constraints import first_failure
from services.matching.domain.mobile import (
    Stop,
    location_on,
    opening_on,
    schedule_problems,
    stop_on,
)
from services.matching.domain.model import distance_km

from .builders import KAUSTINEN, PERHO, VETELI, candidate, opening

CENTRES = {"Perho": PERHO, "Veteli": VETELI}
JUNE = [
    Stop(date(2027, 6, 1), date(2027, 6, 10), *PERHO),
    Stop(date(2027, 6, 11), date(2027, 6, 20), municipality="Veteli"),
    Stop(date(2027, 6, 21), date(2027, 6, 30), municipality="Nowhere"),
]


def test_the_stop_covering_the_day_is_found_first_and_last_days_included() -> None:
    assert stop_on(JUNE, date(2027, 6, 1)) == JUNE[0]
    assert stop_on(JUNE, date(2027, 6, 10)) == JUNE[0]
    assert stop_on(JUNE, date(2027, 6, 11)) == JUNE[1]
    assert stop_on(JUNE, date(2027, 5, 31)) is None
    assert stop_on(JUNE, date(2027, 7, 1)) is None
    assert stop_on([], date(2027, 6, 1)) is None


def test_the_location_is_the_stops_coordinates_else_its_municipality_else_the_base() -> None:
    base = KAUSTINEN
    assert location_on(JUNE, date(2027, 6, 5), base, CENTRES.get) == PERHO
    assert location_on(JUNE, date(2027, 6, 15), base, CENTRES.get) == VETELI
    assert location_on(JUNE, date(2027, 6, 25), base, CENTRES.get) == base  # unresolvable
    assert location_on(JUNE, date(2027, 7, 2), base, CENTRES.get) == base  # no stop that day
    assert location_on(JUNE, date(2027, 7, 2), None, CENTRES.get) is None


def test_distance_and_the_travel_constraint_count_from_the_days_stop() -> None:
    near = candidate(max_travel_km=20)  # lives in Kaustinen: Veteli 9 km, Perho 50 km
    mobile = opening(at=KAUSTINEN)
    in_perho = opening_on(mobile, JUNE, date(2027, 6, 5), CENTRES.get)
    in_veteli = opening_on(mobile, JUNE, date(2027, 6, 15), CENTRES.get)
    perho_km = distance_km(near.view, in_perho)
    veteli_km = distance_km(near.view, in_veteli)
    assert perho_km is not None and 45 < perho_km < 55
    assert veteli_km is not None and 5 < veteli_km < 12
    failed = first_failure(near, in_perho)
    assert failed is not None and failed.constraint == "travel"
    assert first_failure(near, in_veteli) is None
    assert opening_on(mobile, [], date(2027, 6, 5), CENTRES.get) == mobile  # not mobile


def test_a_schedule_names_each_bad_stop() -> None:
    bad = [
        Stop(date(2027, 6, 1), date(2027, 6, 10), *PERHO),
        Stop(date(2027, 6, 10), date(2027, 6, 12), municipality="Veteli"),  # shares 10 June
        Stop(date(2027, 6, 20), date(2027, 6, 19), municipality="Perho"),
        Stop(date(2027, 6, 21), date(2027, 6, 22)),
        Stop(date(2027, 6, 23), date(2027, 6, 24), lat=63.0),
    ]
    assert schedule_problems(bad) == [
        (1, "stops_overlap"), (2, "ends_before_start"), (3, "place_missing"),
        (4, "half_coordinates"),
    ]  # fmt: skip
    assert schedule_problems(JUNE) == []
