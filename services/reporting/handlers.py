"""Reporting's event handlers (walking skeleton)."""

import asyncpg

from shared.events import Envelope
from shared.events.intake import ParticipantRegistered
from shared.messaging import EventConsumer


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe reporting to the events it counts."""

    @consumer.on(ParticipantRegistered)
    async def on_participant_registered(
        conn: asyncpg.Connection, event: Envelope[ParticipantRegistered]
    ) -> None:
        p = event.payload
        await conn.execute(
            "INSERT INTO participant_fact (participant_id, municipality, registered_on)"
            " VALUES ($1, $2, $3) ON CONFLICT (participant_id) DO NOTHING",
            p.participant_id,
            p.municipality,
            p.registered_on,
        )
