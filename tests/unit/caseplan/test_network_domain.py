"""What a workshop's staff read of placements: theirs and their satellites', names once begun."""

from datetime import date, timedelta
from uuid import uuid4

from services.caseplan.domain import network
from services.caseplan.domain.placements import Placement

TODAY = date(2026, 3, 4)  # a Wednesday


def _placement(organisation_id: object, starts_on: date = TODAY) -> Placement:
    return Placement(uuid4(), uuid4(), uuid4(), organisation_id, starts_on)  # type: ignore[arg-type]


def test_a_central_reads_its_satellites_a_satellite_only_its_own() -> None:
    central, a, b = uuid4(), uuid4(), uuid4()
    assert network.readable(central, [a, b]) == [central, a, b]
    assert network.readable(a, []) == [a]
    assert network.readable(a, [a]) == [a]  # never twice


def test_only_the_placements_own_organisation_acts_on_it() -> None:
    central, satellite = uuid4(), uuid4()
    theirs = _placement(satellite)
    assert network.may_act(theirs, satellite)
    assert not network.may_act(theirs, central)


def test_who_the_participant_is_opens_on_the_first_day() -> None:
    assert network.started(_placement(uuid4(), TODAY), TODAY)
    assert network.started(_placement(uuid4(), TODAY - timedelta(days=9)), TODAY)
    assert not network.started(_placement(uuid4(), TODAY + timedelta(days=1)), TODAY)


def test_the_week_runs_monday_to_sunday() -> None:
    week = network.week_from(TODAY)
    assert week[0] == date(2026, 3, 2) and week[-1] == date(2026, 3, 8) and len(week) == 7
    assert network.week_from(date(2026, 3, 8)) == week
