"""Intake's event handlers: intakes published on the inbound request stream."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from services.intake.inbound import decode_request, intake_of, request_subject, tell_refused
from services.intake.records import Cause
from services.intake.registration import register_many
from services.intake.service import vault_of
from shared.events import Envelope, streams
from shared.events.intake import IntakeRequested
from shared.messaging import EventConsumer


def register_handlers(consumer: EventConsumer) -> None:
    """Consume polku.intake.requests: validated by the decoder, registered here in batches."""
    vault = vault_of(consumer.settings)

    @consumer.on_batch(IntakeRequested)
    async def on_intake_requested(
        conn: asyncpg.Connection, events: list[Envelope[IntakeRequested]]
    ) -> list[Envelope[Any]]:
        intakes = [intake_of(e.payload) for e in events]
        today = datetime.now(UTC).date()
        causes = [Cause(e.correlation_id, e.event_id) for e in events]
        await register_many(conn, intakes, vault=vault, today=today, causes=causes)
        return []  # their events are in the outbox already, written with the participants

    # Only intake reads the inbound stream: a settled request (registered or dead-lettered,
    # its personal data sealed there) is deleted with its XACK.
    consumer.subscribe_raw(
        streams.INTAKE_REQUESTS,
        decode_request,
        delete_settled=True,
        subject=request_subject(vault),
        on_refused=tell_refused,  # the municipality hears of it (`intake.rows_refused`)
    )
