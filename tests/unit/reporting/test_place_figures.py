"""The map's counts by municipality, the unemployment cross-table and the intermediate labour
market's use, from hand-made snapshots; and what an outside audience sees of them."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from services.reporting import service
from services.reporting.domain import places
from services.reporting.domain.filters import ReportFilter
from services.reporting.domain.record import ParticipantRecord
from services.reporting.domain.snapshot import Opening, Snapshot

DAY = date(2025, 6, 30)
ORG = uuid4()


def person(municipality: str, **fields: object) -> ParticipantRecord:
    base: dict[str, object] = {"participant_id": uuid4(), "registered_on": date(2025, 3, 1),
                               "municipality": municipality}  # fmt: skip
    return ParticipantRecord(**{**base, **fields})  # type: ignore[arg-type]


def opening(kind: str, municipality: str, seats: int, filled: int, **fields: object) -> Opening:
    base: dict[str, object] = {
        "opening_id": uuid4(), "organisation_id": ORG, "organisation_kind": kind,
        "municipality": municipality, "kind": "work_practice", "seats": seats,
        "posted_on": date(2025, 1, 1), "filled": filled,
    }  # fmt: skip
    return Opening(**{**base, **fields})  # type: ignore[arg-type]


SNAP = Snapshot(
    openings=[
        opening("association", "Kaustinen", 4, 1),
        opening("central_workshop", "Kaustinen", 6, 6),
        opening("satellite_workshop", "Veteli", 3, 0),
        opening("association", "Perho", 2, 3),  # overfilled: no seat is open, 3 placed
        opening("association", "Halsua", 5, 0, closed_on=date(2025, 6, 1)),  # closed by DAY
    ]
)


def test_places_count_participants_open_seats_and_placements_by_municipality() -> None:
    people = [person("Kaustinen"), person("Kaustinen"), person("Toholampi")]
    rows = places.reference_places(SNAP, ReportFilter(), people, DAY)
    assert rows == [
        {"municipality": "Kaustinen", "participants": 2, "open_seats": 3, "placements": 7},
        {"municipality": "Perho", "participants": 0, "open_seats": 0, "placements": 3},
        {"municipality": "Toholampi", "participants": 1, "open_seats": 0, "placements": 0},
        {"municipality": "Veteli", "participants": 0, "open_seats": 3, "placements": 0},
    ]
    only = places.reference_places(SNAP, ReportFilter(municipality="Veteli"), [], DAY)
    assert only == [{"municipality": "Veteli", "participants": 0, "open_seats": 3,
                     "placements": 0}]  # fmt: skip


def test_the_cross_table_has_one_row_per_filled_cell() -> None:
    people = [
        person("Kaustinen", age_band="18-24", months_unemployed=7, isced_level=2),
        person("Kaustinen", age_band="18-24", months_unemployed=11, isced_level=2),
        person("Kaustinen", age_band="25-29", months_unemployed=30),
        person("Veteli", age_band="55+", months_unemployed=1, isced_level=3),
    ]
    assert places.reference_structure(people) == [
        {"municipality": "Kaustinen", "age_band": "18-24", "months_unemployed": "6-11",
         "isced_level": "2", "participants": 2},
        {"municipality": "Kaustinen", "age_band": "25-29", "months_unemployed": "24+",
         "isced_level": "unknown", "participants": 1},
        {"municipality": "Veteli", "age_band": "55+", "months_unemployed": "0-5",
         "isced_level": "3", "participants": 1},
    ]  # fmt: skip


def test_the_intermediate_labour_market_by_kind_with_its_use() -> None:
    rows = places.use_table(places.opening_use_rows(SNAP, ReportFilter(), DAY))
    assert rows == [
        {"organisation_kind": "association", "openings": 2, "seats": 6, "placements": 4,
         "open_seats": 3, "utilisation": 0.667},
        {"organisation_kind": "central_workshop", "openings": 1, "seats": 6, "placements": 6,
         "open_seats": 0, "utilisation": 1.0},
        {"organisation_kind": "satellite_workshop", "openings": 1, "seats": 3,
         "placements": 0, "open_seats": 3, "utilisation": 0.0},
    ]  # fmt: skip
    assert places.use_table([]) == []


def test_outside_the_network_small_groups_of_people_are_hidden_seats_are_not() -> None:
    rows = [{"municipality": "Kaustinen", "participants": 3, "open_seats": 2, "placements": 7}]
    assert service.external("places", rows, 5) == [
        {"municipality": "Kaustinen", "participants": "<5", "open_seats": 2, "placements": 7}
    ]
    use = [{"organisation_kind": "association", "openings": 2, "seats": 6, "placements": 4,
            "open_seats": 2, "utilisation": 0.667}]  # fmt: skip
    assert service.external("intermediate-labour-market", use, 5) == [
        {
            "organisation_kind": "association",
            "openings": 2,
            "seats": 6,
            "placements": "<5",
            "open_seats": 2,
            "utilisation": "<5",
        }
    ]
    cell = [{"municipality": "Veteli", "age_band": "55+", "months_unemployed": "0-5",
             "isced_level": "3", "participants": 1}]  # fmt: skip
    assert service.external("unemployment-structure", cell, 5)[0]["participants"] == "<5"
