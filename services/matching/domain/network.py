"""Central and satellite workshops: who may belong to whom, and who sees whose work (pure).

A satellite workshop belongs to one central workshop, one level deep: a central workshop
belongs to nobody, and nobody belongs to a satellite. Central staff read their satellites'
openings and placements (to support them); they never act in a satellite's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.events.vocabulary import OrganisationKind

CENTRAL = OrganisationKind.CENTRAL_WORKSHOP
SATELLITE = OrganisationKind.SATELLITE_WORKSHOP


@dataclass(frozen=True)
class Member:
    """What the rules need of an organisation."""

    organisation_id: UUID
    kind: str
    central_workshop_id: UUID | None = None


def central_refusal(
    organisation: Member, central: Member | None, *, has_satellites: bool
) -> tuple[str, str] | None:
    """Why `organisation` may not belong to `central` (reason, message), or None. `central`
    is None when the id names no organisation (the caller answers 404 for that)."""
    if central is None:
        return None
    if organisation.kind != SATELLITE:
        return "not_a_satellite", "only a satellite workshop belongs to a central workshop"
    if central.organisation_id == organisation.organisation_id:
        return "central_cycle", "a workshop cannot belong to itself"
    if central.kind != CENTRAL:
        return "not_a_central_workshop", "a satellite belongs to a central workshop"
    if central.central_workshop_id is not None:
        return "central_cycle", "a central workshop belongs to nobody (one level only)"
    if has_satellites:
        return "central_cycle", "a workshop with satellites cannot become a satellite"
    return None


def may_read(reader: UUID, owner: Member) -> bool:
    """Whether an organisation's staff may read `owner`'s openings and placements: its own,
    or a satellite's of the central workshop they work at."""
    return reader in (owner.organisation_id, owner.central_workshop_id)
