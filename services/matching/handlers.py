"""Matching's event handlers: thin, each calls one use case and returns what it emits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.matching import organisations, service
from services.matching.catalog import OpeningCatalog
from services.matching.settings import MatchingSettings
from shared.events import Envelope
from shared.events.caseplan import (
    ParticipantExited,
    ParticipantReadyForMatching,
    PlacementEnded,
    PlacementStarted,
)
from shared.events.envelope import Payload
from shared.events.intake import (
    ParticipantConsentWithdrawn,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantTransferred,
    ParticipantUpdated,
)
from shared.events.matching import (
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchProposed,
    OpeningClosed,
    OpeningPosted,
    OpeningUpdated,
)
from shared.messaging import EventConsumer

PRODUCER = service.PRODUCER
Emitted = list[Envelope[Any]]


def _follow(event: Envelope[Any], payloads: list[Any]) -> Emitted:
    return [event.follow(p, producer=PRODUCER) for p in payloads if isinstance(p, Payload)]


def register_handlers(consumer: EventConsumer, settings: MatchingSettings | None = None) -> None:
    """Subscribe matching to the events it needs; this process's catalog of open openings
    serves every proposal its handlers make."""
    ms = settings or MatchingSettings()
    catalog = OpeningCatalog()
    _register_pool(consumer, ms, catalog)
    _register_follow_ups(consumer, ms, catalog)


def _register_pool(consumer: EventConsumer, ms: MatchingSettings, catalog: OpeningCatalog) -> None:
    @consumer.on_batch(ParticipantRegistered)
    async def on_participants_registered(
        conn: asyncpg.Connection, events: list[Envelope[Any]]
    ) -> None:
        registered = [(e.payload, e.occurred_at) for e in events]
        await service.register_candidates(conn, registered, walking_km=ms.walking_km)

    @consumer.on(ParticipantUpdated)
    async def on_participant_updated(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        proposed = await service.update_candidate(
            conn, event.payload, at=event.occurred_at, catalog=catalog, settings=ms, now=now
        )
        return _follow(event, proposed)

    consumer.on(ParticipantTransferred)(on_participant_updated)  # the whole profile, moved

    @consumer.on(ParticipantConsentWithdrawn)
    async def on_consent_withdrawn(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        """Out of the pool only when matching rests on a purpose withdrawn."""
        now, p = datetime.now(UTC), event.payload
        left = await service.withdraw_consent(
            conn, p.participant_id, p.purposes, at=event.occurred_at, catalog=catalog,
            settings=ms, now=now,
        )  # fmt: skip
        return _follow(event, left)

    @consumer.on(ParticipantErased)
    async def on_participant_erased(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        """For good: out of the pool (a tombstone), matches cut from them, events forgotten."""
        now = datetime.now(UTC)
        return await service.erase_candidate(conn, event, catalog=catalog, settings=ms, now=now)

    @consumer.on(ParticipantExited)
    async def on_participant_exited(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        pid = event.payload.participant_id
        retired = await service.retire_candidate(
            conn, pid, at=event.occurred_at, catalog=catalog, settings=ms, now=now
        )
        return _follow(event, retired)

    @consumer.on_batch(ParticipantReadyForMatching)
    async def on_ready_for_matching(
        conn: asyncpg.Connection, events: list[Envelope[Any]]
    ) -> Emitted:
        now = datetime.now(UTC)
        ready = [e.payload for e in events]
        proposed = await service.make_ready(conn, ready, catalog=catalog, settings=ms, now=now)
        return _follow_each(events, proposed)


def _follow_each(events: list[Envelope[Any]], proposed: list[MatchProposed]) -> Emitted:
    """Each proposal follows the (last) readiness of its participant."""
    cause = {e.payload.participant_id: e for e in events}
    return [cause[p.participant_id].follow(p, producer=PRODUCER) for p in proposed]


def _register_follow_ups(
    consumer: EventConsumer, ms: MatchingSettings, catalog: OpeningCatalog
) -> None:
    async def on_opening_changed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        oid = event.payload.opening_id
        changed = await service.after_opening_changed(
            conn, oid, catalog=catalog, settings=ms, now=now
        )
        return _follow(event, changed)

    consumer.on(OpeningPosted)(on_opening_changed)
    consumer.on(OpeningUpdated)(on_opening_changed)

    @consumer.on(OpeningClosed)
    async def on_opening_closed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event,
            await service.after_closed(conn, event.payload, catalog=catalog, settings=ms, now=now),
        )

    @consumer.on(MatchAccepted)
    async def on_match_accepted(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event,
            await service.after_accepted(
                conn, event.payload, catalog=catalog, settings=ms, now=now
            ),
        )

    async def on_slot_freed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event,
            await service.after_freed(conn, event.payload, catalog=catalog, settings=ms, now=now),
        )

    consumer.on(MatchDeclined)(on_slot_freed)
    consumer.on(MatchExpired)(on_slot_freed)

    @consumer.on(PlacementStarted)
    async def on_placement_started(conn: asyncpg.Connection, event: Envelope[Any]) -> None:
        await organisations.placement_started(conn, event.payload)

    @consumer.on(PlacementEnded)
    async def on_placement_ended(conn: asyncpg.Connection, event: Envelope[Any]) -> None:
        await organisations.placement_ended(conn, event.payload)
