"""Reporting's event handlers: every event of every stream goes to the read model."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.projection import apply_events, consumed_payloads
from shared.events import Envelope
from shared.messaging import EventConsumer


async def on_events(conn: asyncpg.Connection, events: list[Envelope[Any]]) -> None:
    """Log and project a batch of events of one type."""
    await apply_events(conn, events)


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe reporting to every event type, in batches (all are counted)."""
    for payload in consumed_payloads():
        consumer.on_batch(payload)(on_events)
