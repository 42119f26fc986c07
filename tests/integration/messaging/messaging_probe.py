"""A test-only service ("probe") that consumes participant.registered, and a producer
("probesource") whose relay publishes it, so the foundation is tested without the services."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from shared import outbox
from shared.events import Envelope, new_event
from shared.events.intake import ParticipantRegistered
from shared.messaging import EventConsumer, RetryLater
from shared.migrate import migrate
from shared.runtime import Runtime, ServiceDefinition
from shared.settings import Settings

PROBE_TABLES = """
CREATE TABLE IF NOT EXISTS probe.effect (
    n bigserial PRIMARY KEY, event_id uuid NOT NULL, participant_id uuid NOT NULL
);
CREATE TABLE IF NOT EXISTS probe.fixed (municipality text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS probesource.thing (participant_id uuid PRIMARY KEY);
"""


SLOW_HANDLER_STARTED = asyncio.Event()
"""Set when the handler starts on a "slow…" municipality (tests replace it per test)."""


def register_probe_handlers(consumer: EventConsumer) -> None:
    """One handler with a NON-idempotent effect (a plain insert): duplicates would show."""

    @consumer.on(ParticipantRegistered)
    async def on_registered(
        conn: asyncpg.Connection, event: Envelope[ParticipantRegistered]
    ) -> None:
        town = event.payload.municipality
        fixed = await conn.fetchval("SELECT 1 FROM probe.fixed WHERE municipality = $1", town)
        if town.startswith("boom") and not fixed:
            raise ValueError(f"cannot handle {town}")
        if town.startswith("later") and not fixed:
            raise RetryLater(f"{town} not yet known")
        if town.startswith("sleepy") and not fixed:  # a statement that runs out of time
            await conn.execute("SELECT pg_sleep(30)", timeout=0.3)
        if town.startswith("slow"):
            globals()["SLOW_HANDLER_STARTED"].set()  # a test stops the runtime now, mid-handler
            await asyncio.sleep(0.5)
        await conn.execute(
            "INSERT INTO probe.effect (event_id, participant_id) VALUES ($1, $2)",
            event.event_id,
            event.payload.participant_id,
        )


PROBE = ServiceDefinition(
    name="probe",
    title="probe",
    description="test consumer",
    register_handlers=register_probe_handlers,
)
SOURCE = ServiceDefinition(name="probesource", title="source", description="test producer")


async def migrate_probe(dsn: str) -> None:
    """Create the probe schemas with the shared messaging tables, plus their own tables."""
    await migrate(dsn, ("probe", "probesource"))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(PROBE_TABLES)
    finally:
        await conn.close()


def registered(municipality: str = "Rapla vald") -> Envelope[Any]:
    """A fresh participant.registered event."""
    payload = ParticipantRegistered(
        participant_id=uuid4(),
        municipality=municipality,
        registered_on=datetime.now(UTC).date(),
    )
    return new_event(payload, producer="probesource")


async def commit_registration(dsn: str, event: Envelope[Any]) -> None:
    """The producer's state change and its event, in one transaction (the outbox)."""
    conn = await asyncpg.connect(dsn, server_settings={"search_path": "probesource"})
    try:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO thing (participant_id) VALUES ($1)", event.payload.participant_id
            )
            await outbox.record(conn, [event])
    finally:
        await conn.close()


async def effects(dsn: str) -> dict[UUID, int]:
    """How many times the probe applied each participant's event."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT participant_id, count(*) AS n FROM probe.effect GROUP BY participant_id"
        )
    finally:
        await conn.close()
    return {r["participant_id"]: r["n"] for r in rows}


@contextlib.asynccontextmanager
async def running(definition: ServiceDefinition, settings: Settings) -> AsyncIterator[Runtime]:
    """A started Runtime of `definition`, stopped afterwards."""
    runtime = Runtime(definition, settings)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()
