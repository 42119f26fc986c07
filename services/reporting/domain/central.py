"""Figures by central workshop (pure): a central workshop and the satellite workshops that
belong to it (as matching's organisation events tell) are one group, and a group's figures
are the sums of its members' openings and placements figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

CENTRAL_KIND = "central_workshop"
OPENING_COLUMNS = ("openings", "seats", "open_seats")


@dataclass(frozen=True)
class OrganisationFact:
    """An organisation as its newest `organisation.registered`/`.updated` describes it."""

    organisation_id: UUID
    name: str
    kind: str
    municipality: str
    central_workshop_id: UUID | None = None


@dataclass(frozen=True)
class CentralGroup:
    """A central workshop (first) and its satellites (in id order)."""

    central_workshop_id: UUID
    name: str
    members: tuple[UUID, ...]

    @property
    def satellites(self) -> int:
        """How many satellite workshops belong to the central one."""
        return len(self.members) - 1


def central_groups(
    organisations: Iterable[OrganisationFact], only: UUID | None = None
) -> list[CentralGroup]:
    """Every central workshop's group, by name (then id); `only`: the group an organisation
    (a central workshop or one of its satellites) is in. A satellite whose central workshop
    reporting has not heard of yet still groups under that id, with an empty name."""
    known = list(organisations)
    satellites: dict[UUID, list[UUID]] = defaultdict(list)
    for o in known:
        if o.central_workshop_id is not None:
            satellites[o.central_workshop_id].append(o.organisation_id)
    names = {o.organisation_id: o.name for o in known if o.kind == CENTRAL_KIND}
    groups = [
        CentralGroup(central, names.get(central, ""), (central, *sorted(satellites[central])))
        for central in names.keys() | satellites.keys()
    ]
    if only is not None:
        groups = [g for g in groups if only in g.members]
    return sorted(groups, key=lambda g: (g.name, g.central_workshop_id))


def central_row(
    group: CentralGroup, openings: list[dict[str, Any]], placements: list[dict[str, Any]]
) -> dict[str, Any]:
    """One group's row: its members' openings rows (the openings report's) and placements
    rows (the placements report's: `started` and each way of ending) summed."""
    started = sum(r["count"] for r in placements if r["placements"] == "started")
    ended = sum(r["count"] for r in placements if r["placements"] != "started")
    return {
        "central_workshop_id": str(group.central_workshop_id),
        "central_workshop": group.name,
        "satellites": group.satellites,
        **{c: sum(int(r[c]) for r in openings) for c in OPENING_COLUMNS},
        "placements_started": started,
        "placements_ended": ended,
    }
