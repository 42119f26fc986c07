"""Intake's HTTP API (walking skeleton; the intake issue grows it)."""

import hashlib
import hmac
from datetime import UTC, datetime
from uuid import UUID, uuid4

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from shared import outbox
from shared.events import new_event
from shared.events.intake import ParticipantRegistered
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["intake"])


class IntakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    municipality: str = Field(min_length=1, max_length=100)
    national_id: str = Field(min_length=6, max_length=20)


class IntakeOut(BaseModel):
    participant_id: UUID
    status: str


@router.post("/intakes", status_code=201)
async def register(body: IntakeIn, pool: PoolDep, request: Request) -> IntakeOut:
    """Register one participant."""
    secret = request.app.state.runtime.settings.id_hash_secret.encode()
    id_hash = hmac.new(secret, body.national_id.encode(), hashlib.sha256).digest()
    participant_id = uuid4()
    payload = ParticipantRegistered(
        participant_id=participant_id,
        municipality=body.municipality,
        registered_on=datetime.now(UTC).date(),
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "INSERT INTO participant (participant_id, id_hash, municipality, profile)"
            " VALUES ($1, $2, $3, $4::jsonb)",
            participant_id,
            id_hash,
            body.municipality,
            payload.model_dump_json(),
        )
        await outbox.record(conn, [new_event(payload, producer="intake")])
    return IntakeOut(participant_id=participant_id, status="created")
