"""Figures by central workshop: the groups and their summed rows."""

from __future__ import annotations

from uuid import UUID

from services.reporting.domain.central import (
    CentralGroup,
    OrganisationFact,
    central_groups,
    central_row,
)


def org(n: int, kind: str, central: int | None = None, name: str = "") -> OrganisationFact:
    return OrganisationFact(
        UUID(int=n), name or f"org {n}", kind, "Tartu", UUID(int=central) if central else None
    )


ORGS = [
    org(1, "central_workshop", name="Tartu"),
    org(2, "central_workshop", name="Elva"),
    org(5, "satellite_workshop", 1),
    org(3, "satellite_workshop", 1),
    org(4, "employer"),
    org(6, "satellite_workshop", 9),  # its central workshop's event has not arrived yet
]


def test_a_central_workshop_and_its_satellites_are_one_group_by_name() -> None:
    assert central_groups(ORGS) == [
        CentralGroup(UUID(int=9), "", (UUID(int=9), UUID(int=6))),
        CentralGroup(UUID(int=2), "Elva", (UUID(int=2),)),
        CentralGroup(UUID(int=1), "Tartu", (UUID(int=1), UUID(int=3), UUID(int=5))),
    ]


def test_one_organisation_asks_for_its_group() -> None:
    (group,) = central_groups(ORGS, only=UUID(int=5))
    assert group.central_workshop_id == UUID(int=1) and group.satellites == 2
    assert central_groups(ORGS, only=UUID(int=1)) == [group]
    assert central_groups(ORGS, only=UUID(int=4)) == []  # an employer belongs to no group


def test_a_row_sums_the_members_rows() -> None:
    group = CentralGroup(UUID(int=1), "Tartu", (UUID(int=1), UUID(int=3)))
    openings = [
        {"organisation_kind": "central_workshop", "municipality": "Tartu", "openings": 2,
         "seats": 5, "open_seats": 3},
        {"organisation_kind": "satellite_workshop", "municipality": "Elva", "openings": 1,
         "seats": 2, "open_seats": 0},
    ]  # fmt: skip
    placements = [
        {"placements": "started", "count": 4}, {"placements": "completed", "count": 1},
        {"placements": "hired", "count": 2}, {"placements": "started", "count": 3},
    ]  # fmt: skip
    assert central_row(group, openings, placements) == {
        "central_workshop_id": str(UUID(int=1)),
        "central_workshop": "Tartu",
        "satellites": 1,
        "openings": 3,
        "seats": 7,
        "open_seats": 3,
        "placements_started": 7,
        "placements_ended": 3,
    }
