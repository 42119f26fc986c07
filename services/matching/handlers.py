"""Matching's event handlers (walking skeleton)."""

import asyncpg

from shared.events import Envelope
from shared.events.intake import ParticipantRegistered
from shared.messaging import EventConsumer


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe matching to the events it needs."""

    @consumer.on(ParticipantRegistered)
    async def on_participant_registered(
        conn: asyncpg.Connection, event: Envelope[ParticipantRegistered]
    ) -> None:
        p = event.payload
        await conn.execute(
            "INSERT INTO candidate (participant_id, municipality, profile, registered_at)"
            " VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (participant_id) DO NOTHING",
            p.participant_id,
            p.municipality,
            p.model_dump_json(),
            event.occurred_at,
        )
