"""Caseplan's event handlers (walking skeleton)."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

import asyncpg

from shared.events import Envelope
from shared.events.caseplan import CaseplanOpened
from shared.events.intake import ParticipantRegistered
from shared.messaging import EventConsumer


def register_handlers(consumer: EventConsumer) -> None:
    """Subscribe caseplan to the events it needs."""

    @consumer.on(ParticipantRegistered)
    async def on_participant_registered(
        conn: asyncpg.Connection, event: Envelope[ParticipantRegistered]
    ) -> list[Envelope[Any]]:
        p = event.payload
        case_plan_id = uuid4()
        opened = event.occurred_at.date()
        planned_end = opened + timedelta(days=365)
        await conn.execute(
            "INSERT INTO case_plan (case_plan_id, participant_id, municipality, opened_on,"
            " planned_end_on) VALUES ($1, $2, $3, $4, $5)",
            case_plan_id,
            p.participant_id,
            p.municipality,
            opened,
            planned_end,
        )
        opened_event = CaseplanOpened(
            participant_id=p.participant_id,
            case_plan_id=case_plan_id,
            municipality=p.municipality,
            opened_on=opened,
            planned_end_on=planned_end,
        )
        return [event.follow(opened_event, producer="caseplan")]
