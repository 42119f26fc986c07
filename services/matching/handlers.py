"""Matching's event handlers: thin, each calls one use case and returns what it emits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.matching import decisions, pool, proposals
from services.matching.settings import MatchingSettings
from shared.events import Envelope
from shared.events.caseplan import ParticipantExited, ParticipantReadyForMatching
from shared.events.envelope import Payload
from shared.events.intake import (
    ParticipantConsentWithdrawn,
    ParticipantErased,
    ParticipantRegistered,
    ParticipantUpdated,
)
from shared.events.matching import (
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    OpeningClosed,
    OpeningPosted,
    OpeningUpdated,
)
from shared.messaging import EventConsumer

PRODUCER = "matching"
Emitted = list[Envelope[Any]]


def _follow(event: Envelope[Any], payloads: list[Any]) -> Emitted:
    return [event.follow(p, producer=PRODUCER) for p in payloads if isinstance(p, Payload)]


def register_handlers(consumer: EventConsumer, settings: MatchingSettings | None = None) -> None:
    """Subscribe matching to the events it needs."""
    ms = settings or MatchingSettings()
    _register_pool(consumer, ms)
    _register_follow_ups(consumer, ms)


def _register_pool(consumer: EventConsumer, ms: MatchingSettings) -> None:
    @consumer.on(ParticipantRegistered)
    async def on_participant_registered(conn: asyncpg.Connection, event: Envelope[Any]) -> None:
        await pool.register_candidate(
            conn, event.payload, at=event.occurred_at, walking_km=ms.walking_km
        )

    @consumer.on(ParticipantUpdated)
    async def on_participant_updated(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        proposed = await pool.update_candidate(
            conn, event.payload, at=event.occurred_at, settings=ms, now=now
        )
        return _follow(event, proposed)

    async def on_participant_left(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        pid = event.payload.participant_id
        return _follow(event, await pool.remove_candidate(conn, pid, settings=ms, now=now))

    consumer.on(ParticipantConsentWithdrawn)(on_participant_left)
    consumer.on(ParticipantErased)(on_participant_left)

    @consumer.on(ParticipantExited)
    async def on_participant_exited(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        pid = event.payload.participant_id
        return _follow(event, await pool.retire_candidate(conn, pid, settings=ms, now=now))

    @consumer.on(ParticipantReadyForMatching)
    async def on_ready_for_matching(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(event, await pool.make_ready(conn, event.payload, settings=ms, now=now))


def _register_follow_ups(consumer: EventConsumer, ms: MatchingSettings) -> None:
    async def on_opening_changed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        oid = event.payload.opening_id
        return _follow(event, await proposals.propose_for_opening(conn, oid, settings=ms, now=now))

    consumer.on(OpeningPosted)(on_opening_changed)
    consumer.on(OpeningUpdated)(on_opening_changed)

    @consumer.on(OpeningClosed)
    async def on_opening_closed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event, await decisions.after_closed(conn, event.payload, settings=ms, now=now)
        )

    @consumer.on(MatchAccepted)
    async def on_match_accepted(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event, await decisions.after_accepted(conn, event.payload, settings=ms, now=now)
        )

    async def on_slot_freed(conn: asyncpg.Connection, event: Envelope[Any]) -> Emitted:
        now = datetime.now(UTC)
        return _follow(
            event, await decisions.after_freed(conn, event.payload, settings=ms, now=now)
        )

    consumer.on(MatchDeclined)(on_slot_freed)
    consumer.on(MatchExpired)(on_slot_freed)
