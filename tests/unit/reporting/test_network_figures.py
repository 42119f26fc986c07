"""The network's figures from hand-made snapshots: states on a day, periods, filters."""

from __future__ import annotations

from collections import Counter
from datetime import date
from uuid import uuid4

import pytest

from services.reporting.domain import figures, network, structure
from services.reporting.domain.filters import InvalidFilter, ReportFilter, parse_filter
from services.reporting.domain.record import ParticipantRecord, Placement
from services.reporting.domain.snapshot import Match, Opening, PlacementFact, Snapshot
from services.reporting.settings import ReportingSettings

SETTINGS = ReportingSettings()
TODAY = date(2025, 12, 31)
WORKER = uuid4()
ORG = uuid4()


def person(day: int = 1, **fields: object) -> ParticipantRecord:
    """A participant registered (and their case opened) on 2025-03-`day`."""
    base: dict[str, object] = {
        "participant_id": uuid4(),
        "registered_on": date(2025, 3, day),
        "case_opened_on": date(2025, 3, day),
        "municipality": "Rapla vald",
    }
    return ParticipantRecord(**{**base, **fields})  # type: ignore[arg-type]


def test_active_waiting_and_exited_on_a_day() -> None:
    waiting = person(waitlisted_on=date(2025, 3, 1))
    assigned = person(support_worker_id=WORKER, assigned_on=date(2025, 3, 2))
    left = person(support_worker_id=WORKER, assigned_on=date(2025, 3, 2),
                  exited_on=date(2025, 5, 1), exit_outcome="employed")  # fmt: skip
    snap = Snapshot(participants=[waiting, assigned, left])
    before = figures.key_figures(snap, ReportFilter(end=date(2025, 4, 1)), SETTINGS, TODAY)
    after = figures.key_figures(snap, ReportFilter(), SETTINGS, TODAY)
    assert (before["active_cases"], before["waiting_list"]) == (3, 1)
    assert (after["active_cases"], after["waiting_list"], after["employed_on_leaving"]) == (2, 1, 1)
    rows = network.caseload_rows(
        snap.participants, TODAY, network.Limits({}, 25), figures.is_active, figures.is_waiting
    )
    assert rows == [{"support_worker_id": str(WORKER), "cases": 1, "capacity": 25,
                     "utilisation": 0.04}]  # fmt: skip


def test_a_caseload_is_measured_against_the_workers_own_limit() -> None:
    """A worker with limit 10 and 10 cases is full (10/10), not 10/25; a worker whose
    events carry no limit (older events) is measured against the setting."""
    other = uuid4()
    cases = Counter({str(WORKER): 10, str(other): 5})
    rows = network.caseload_table(cases, network.Limits({str(WORKER): 10}, 25))
    assert [(r["cases"], r["capacity"], r["utilisation"]) for r in rows] == [
        (10, 10, 1.0),
        (5, 25, 0.2),
    ]


def test_re_entry_after_an_exit_is_active_again() -> None:
    back = person(case_opened_on=date(2025, 6, 1), exited_on=date(2025, 5, 1), exit_outcome="other")
    assert figures.is_active(back, TODAY)


def test_average_days_to_first_placement_and_to_employment() -> None:
    hired = Placement(uuid4(), ORG, date(2025, 3, 11), ended_on=date(2025, 4, 10), outcome="hired")
    later = Placement(uuid4(), ORG, date(2025, 3, 21))
    a = person(placements=(hired, later))
    b = person(placements=(Placement(uuid4(), ORG, date(2025, 3, 31)),))
    snap = Snapshot(participants=[a, b])
    got = figures.key_figures(snap, ReportFilter(), SETTINGS, TODAY)
    assert got["average_days_to_first_placement"] == 20.0  # (10 + 30) / 2
    assert (got["average_days_to_employment"], got["participants_employed"]) == (40.0, 1)


def test_placements_by_outcome_in_the_period_and_for_an_organisation() -> None:
    p = person(organisation_ids=frozenset({ORG}))
    facts = [
        PlacementFact(p.participant_id, Placement(uuid4(), ORG, date(2025, 3, 5))),
        PlacementFact(
            p.participant_id,
            Placement(uuid4(), ORG, date(2025, 1, 5), ended_on=date(2025, 3, 6), outcome="hired"),
        ),
        PlacementFact(p.participant_id, Placement(uuid4(), uuid4(), date(2025, 3, 7))),
    ]
    snap = Snapshot(participants=[p], placements=facts)
    march = ReportFilter(start=date(2025, 3, 1), end=date(2025, 3, 31))
    counts = {r["placements"]: r["count"] for r in figures.placement_rows(snap, march)}
    assert (counts["started"], counts["hired"]) == (2, 1)
    at_org = ReportFilter(organisation_id=ORG)
    assert figures.placement_rows(snap, at_org)[0]["count"] == 2  # not the other organisation's


def test_open_seats_by_organisation_kind_and_municipality() -> None:
    posted = date(2025, 1, 1)
    openings = [
        Opening(uuid4(), ORG, "association", "Rapla vald", "work_practice", 4, posted, filled=1),
        Opening(uuid4(), ORG, "association", "Rapla vald", "work_practice", 2, posted, filled=3),
        Opening(
            uuid4(),
            ORG,
            "employer",
            "Kohila vald",
            "regular_job",
            5,
            posted,
            closed_on=date(2025, 2, 1),
        ),
    ]
    rows = network.opening_rows(Snapshot(openings=openings), ReportFilter(), TODAY)
    assert rows == [{"organisation_kind": "association", "municipality": "Rapla vald",
                     "openings": 2, "seats": 6, "open_seats": 3}]  # fmt: skip
    january = network.opening_rows(Snapshot(openings=openings), ReportFilter(), date(2025, 1, 15))
    assert len(january) == 2


def test_structure_of_unemployment_counts_each_risk_group() -> None:
    people = [
        person(risk_groups=frozenset({"single_parent", "low_skills"}), months_unemployed=13),
        person(months_unemployed=2, isced_level=3),
    ]
    rows = structure.unemployment_rows(people)
    risk = {r["value"]: r["participants"] for r in rows if r["dimension"] == "risk_group"}
    months = {r["value"]: r["participants"] for r in rows if r["dimension"] == "months_unemployed"}
    assert risk == {"low_skills": 1, "none": 1, "single_parent": 1}
    assert months == {"0-5": 1, "12-23": 1}


def test_fairness_view_counts_proposals_and_acceptances_by_sex() -> None:
    woman, man = person(sex="female"), person(sex="male")
    matches = [
        Match(uuid4(), woman.participant_id, ORG, date(2025, 4, 1), date(2025, 4, 3)),
        Match(uuid4(), woman.participant_id, ORG, date(2025, 4, 1)),
        Match(uuid4(), man.participant_id, ORG, date(2025, 4, 1)),
    ]
    snap = Snapshot(participants=[woman, man], matches=matches)
    rows = structure.match_rows(snap, ReportFilter(), snap.participants)
    by_sex = {r["value"]: (r["proposed"], r["accepted"], r["acceptance_rate"])
              for r in rows if r["dimension"] == "sex"}  # fmt: skip
    assert by_sex == {"female": (2, 1, 0.5), "male": (1, 0, 0.0)}


def test_filters_admit_by_municipality_risk_group_and_organisation() -> None:
    p = person(risk_groups=frozenset({"disability"}), organisation_ids=frozenset({ORG}))
    assert ReportFilter(municipality="Rapla vald", risk_group="disability").admits(p)
    assert not ReportFilter(municipality="Kohila vald").admits(p)
    assert not ReportFilter(organisation_id=uuid4()).admits(p)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"start": "2025-02-30"}, "from"),
        ({"start": "2025-03-01", "end": "2025-02-01"}, "to"),
        ({"organisation": "x"}, "organisation"),
        ({"risk_group": "pirate"}, "risk_group"),
    ],
)
def test_invalid_filters_say_which_field_and_why(raw: dict[str, str], field: str) -> None:
    values = {"start": None, "end": None, "municipality": None, "organisation": None,
              "risk_group": None, **raw}  # fmt: skip
    with pytest.raises(InvalidFilter) as caught:
        parse_filter(**values)
    assert caught.value.field == field and caught.value.reason
