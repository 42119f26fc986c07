"""Service agreements: which organisations serve which municipality's participants.

A municipality (or an admin) agrees with a support organisation that it serves the
municipality; support workers are created and assigned only within live agreements, so an
organisation cannot claim another municipality's people by naming it on a worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from services.caseplan.domain.refusal import Refusal

Agreed = frozenset[tuple[UUID, str]]
"""The live agreements as (organisation, municipality) pairs."""


@dataclass(frozen=True)
class ServiceAgreement:
    """An organisation serves a municipality's participants from `created_at` until ended."""

    agreement_id: UUID
    organisation_id: UUID
    municipality: str
    created_at: datetime | None = None
    ended_at: datetime | None = None

    @property
    def live(self) -> bool:
        """The agreement has not ended."""
        return self.ended_at is None


def agreed(agreements: Iterable[ServiceAgreement]) -> Agreed:
    """The live agreements as pairs."""
    return frozenset((a.organisation_id, a.municipality) for a in agreements if a.live)


def covers(agreed_pairs: Agreed, organisation_id: UUID | None, municipality: str) -> bool:
    """The organisation has a live agreement to serve the municipality."""
    return organisation_id is not None and (organisation_id, municipality) in agreed_pairs


def require_agreed(
    agreed_pairs: Agreed, organisation_id: UUID | None, municipalities: Iterable[str]
) -> None:
    """A worker may name only municipalities its organisation has a live agreement with."""
    missing = sorted(m for m in set(municipalities) if not covers(agreed_pairs, organisation_id, m))
    if missing:
        whose = "the worker has no organisation" if organisation_id is None else "no agreement"
        raise Refusal(
            "no_service_agreement",
            f"{whose} to serve {', '.join(missing)}: the municipality sets service agreements",
            field="municipalities",
        )


def end_agreement(agreement: ServiceAgreement, at: datetime) -> ServiceAgreement:
    """End a live agreement (its workers take no new cases there); ending twice is refused."""
    if not agreement.live:
        raise Refusal("agreement_ended", "the service agreement has already ended")
    return replace(agreement, ended_at=at)
