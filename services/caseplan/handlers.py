"""Caseplan's event handlers: decode, call one use case, return the events it implies."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.caseplan import service, service_work
from shared import erasure
from shared.events import Envelope
from shared.events.envelope import Payload
from shared.events.intake import (
    ParticipantConsentWithdrawn,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantTransferred,
    ParticipantUpdated,
)
from shared.events.matching import MatchAccepted, OrganisationRegistered, OrganisationUpdated
from shared.messaging import EventConsumer

PRODUCER = "caseplan"


def _follow(event: Envelope[Any], payloads: list[Payload]) -> list[Envelope[Any]]:
    return [event.follow(p, producer=PRODUCER) for p in payloads]


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe caseplan to the events it needs."""

    @consumer.on_batch(ParticipantRegistered)
    async def on_participant_registered(
        conn: asyncpg.Connection, events: list[Envelope[ParticipantRegistered]]
    ) -> list[Envelope[Any]]:
        """Open case plans for a batch of new participants under one capacity lock."""
        registrations = [
            service.Registration(
                e.payload.participant_id,
                e.payload.municipality,
                e.payload.registered_on,
                tuple(dict.fromkeys(e.payload.languages)),
            )
            for e in events
        ]
        emitted = await service.open_case_plans(conn, registrations)
        return [env for e, out in zip(events, emitted, strict=True) for env in _follow(e, out)]

    @consumer.on(ParticipantUpdated)
    async def on_participant_updated(
        conn: asyncpg.Connection, event: Envelope[ParticipantUpdated]
    ) -> list[Envelope[Any]]:
        """A moved participant may be served by workers of the new municipality."""
        p = event.payload
        moved = await service.move_participant(
            conn,
            p.participant_id,
            p.municipality,
            event.occurred_at.date(),
            tuple(dict.fromkeys(p.languages)),
        )
        return _follow(event, moved)

    @consumer.on(ParticipantTransferred)
    async def on_participant_transferred(
        conn: asyncpg.Connection, event: Envelope[ParticipantTransferred]
    ) -> list[Envelope[Any]]:
        """An approved transfer: the case plan moves to the new municipality."""
        p = event.payload
        moved = await service.move_participant(
            conn,
            p.participant_id,
            p.municipality,
            event.occurred_at.date(),
            tuple(dict.fromkeys(p.languages)),
        )
        return _follow(event, moved)

    @consumer.on(ParticipantConsentWithdrawn)
    async def on_consent_withdrawn(
        conn: asyncpg.Connection, event: Envelope[ParticipantConsentWithdrawn]
    ) -> list[Envelope[Any]]:
        """Stop what rests on the purposes withdrawn; an ended case passes its place on."""
        p = event.payload
        freed = await service.withdraw_consent(
            conn, p.participant_id, p.purposes, event.occurred_at
        )
        return _follow(event, freed)

    @consumer.on(ParticipantErased)
    async def on_participant_erased(
        conn: asyncpg.Connection, event: Envelope[ParticipantErased]
    ) -> list[Envelope[Any]]:
        """Erasure, for good: close the case, cut it from the person, forget their events."""
        at = event.occurred_at
        freed = await service.erase_participant(conn, event.payload.participant_id, at, at.date())
        followed = _follow(event, freed)
        await erasure.forget_events(conn, event.payload.participant_id, also=followed)
        return followed

    @consumer.on(MatchAccepted)
    async def on_match_accepted(
        conn: asyncpg.Connection, event: Envelope[MatchAccepted]
    ) -> list[Envelope[Any]]:
        """An accepted match starts a placement."""
        started = await service_work.start_placement(conn, event.payload, event.occurred_at.date())
        return _follow(event, started)

    @consumer.on(OrganisationRegistered)
    async def on_organisation_registered(
        conn: asyncpg.Connection, event: Envelope[OrganisationRegistered]
    ) -> list[Envelope[Any]]:
        """Keep which central workshop a satellite belongs to (its staff read our placements)."""
        o = event.payload
        await service_work.remember_network(
            conn, o.organisation_id, o.central_workshop_id, event.occurred_at
        )
        return []

    @consumer.on(OrganisationUpdated)
    async def on_organisation_updated(
        conn: asyncpg.Connection, event: Envelope[OrganisationUpdated]
    ) -> list[Envelope[Any]]:
        """A satellite joined, left or changed its central workshop."""
        o = event.payload
        await service_work.remember_network(
            conn, o.organisation_id, o.central_workshop_id, event.occurred_at
        )
        return []
