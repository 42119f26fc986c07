"""Reporting's event handlers: every event of every stream goes to the read model."""

from __future__ import annotations

from typing import Any

import asyncpg

from services.reporting.projection import apply_events, consumed_payloads
from shared.events import Envelope
from shared.messaging import EventConsumer


async def on_events(conn: asyncpg.Connection, events: list[Envelope[Any]]) -> None:
    """Log and project a run of a batch's events, in stream order (types mixed)."""
    await apply_events(conn, events)


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe reporting to every event type with one batch handler (all are counted), so a
    batch comes in one call, in stream order."""
    for payload in consumed_payloads():
        consumer.on_batch(payload)(on_events)
