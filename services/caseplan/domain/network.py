"""What a workshop's or employer's staff read of placements (pure).

A central workshop's staff read their satellite workshops' placements too (to support
them), a satellite's staff only their own; only the placement's own organisation acts on it
(the network rule is matching's, `services/matching/domain/network.py`: caseplan keeps the
satellites matching's `organisation.registered|updated` name). Who the participant is (the
given name, by their consent, and the support worker's contact) is told only once the
placement has started.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from uuid import UUID

from services.caseplan.domain.placements import Placement


def readable(reader: UUID, satellites: Sequence[UUID]) -> list[UUID]:
    """The organisations whose placements `reader`'s staff read: its own first, then its
    satellites' (only a central workshop has any: the network is one level deep)."""
    return [reader, *(s for s in satellites if s != reader)]


def may_act(placement: Placement, reader: UUID) -> bool:
    """Only the placement's own organisation logs hours on it or ends it."""
    return placement.organisation_id == reader


def started(placement: Placement, today: date) -> bool:
    """The placement has begun (its first day is today or past): the organisation may learn
    who the participant is and how to reach their support worker."""
    return placement.starts_on <= today


def week_from(day: date) -> list[date]:
    """The seven days, Monday first, of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]
