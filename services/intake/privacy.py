"""GDPR duties at intake: erasure (art. 17) and the subject access export (art. 15)."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import httpx
import redis.asyncio as aioredis
from fastapi.encoders import jsonable_encoder
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.inbound import person_subject
from services.intake.repository import transfer_requests
from services.intake.service import PERSONAL_FIELDS, PRODUCER, view, visible
from shared import audit, dead_letters, erasure, idempotency, outbox
from shared.auth import Principal
from shared.dead_letters import participant_subject
from shared.events import new_event
from shared.events.intake import ParticipantErased
from shared.settings import Settings

OTHER_SERVICES = ("caseplan", "matching", "reporting")
EXPORT_TIMEOUT_S = 10.0


class ExportSettings(BaseSettings):
    """Where intake finds the other services' export endpoints, from `POLKU_INTAKE_*`."""

    model_config = SettingsConfigDict(env_prefix="POLKU_INTAKE_", extra="ignore")

    service_urls: dict[str, str] = Field(
        default_factory=dict,
        description='JSON {"caseplan": "http://caseplan:8002", ...}; default host + port',
    )


def service_url(settings: Settings, service: str) -> str:
    """A service's base URL: the configured one, else the shared host and its port."""
    configured = ExportSettings().service_urls.get(service)
    return configured or f"http://{settings.host}:{settings.port_of(service)}"


async def erase(
    pool: asyncpg.Pool,
    participant_id: UUID,
    principal: Principal | None,
    redis: aioredis.Redis | None = None,
) -> None:
    """Delete everything intake holds about the person; every service hears participant.erased.

    Their events leave the outbox and `polku.intake` once settled (`shared.erasure`; the
    erasure event stays: it holds only the id); their dead letters are deleted."""
    async with pool.acquire() as conn, conn.transaction():
        row = visible(
            await repository.get(conn, participant_id, lock=True), participant_id, principal
        )
        await erasure.forget_events(conn, participant_id, keep_types=[ParticipantErased.TYPE])
        await repository.delete(conn, participant_id)
        await idempotency.forget_answers_mentioning(conn, str(participant_id))
        await audit.record(conn, principal, "participant.erased", [participant_id], ["*"])
        event = ParticipantErased(participant_id=participant_id)
        await outbox.record(conn, [new_event(event, producer=PRODUCER)])
    if redis is not None:
        subjects = [participant_subject(participant_id), person_subject(row.id_hash)]
        await dead_letters.forget(redis, subjects)


async def own_part(
    pool: asyncpg.Pool, participant_id: UUID, vault: PersonalDataVault, principal: Principal | None
) -> dict[str, Any]:
    """What intake holds: the participant with personal data opened, and who looked at it."""
    async with pool.acquire() as conn, conn.transaction():
        row = visible(await repository.get(conn, participant_id), participant_id, principal)
        await audit.record(conn, principal, "participant.exported", [participant_id], ["*"])
        trail = await audit.trail(conn, participant_id)
        transfers = await transfer_requests.of_participant(conn, participant_id)
    return {
        "participant": view(row, vault).model_dump(mode="json"),
        "transfers": [jsonable_encoder(asdict(t)) for t in transfers],
        "sealed_fields": PERSONAL_FIELDS,
        "access_log": [
            {**dict(r), "at": r["at"].isoformat(), "organisation_id": str(r["organisation_id"])}
            for r in trail
        ],
    }


async def export(
    pool: asyncpg.Pool,
    participant_id: UUID,
    *,
    vault: PersonalDataVault,
    settings: Settings,
    principal: Principal | None,
    authorization: str | None,
) -> dict[str, Any]:
    """Everything the network holds about the person, as one JSON document."""
    document: dict[str, Any] = {
        "participant_id": str(participant_id),
        "generated_at": datetime.now(UTC).isoformat(),
        "intake": await own_part(pool, participant_id, vault, principal),
    }
    headers = {"Authorization": authorization} if authorization else {}
    async with httpx.AsyncClient(timeout=EXPORT_TIMEOUT_S, headers=headers) as http:
        parts = await asyncio.gather(
            *(_part_of(http, settings, s, participant_id) for s in OTHER_SERVICES)
        )
    document.update(zip(OTHER_SERVICES, parts, strict=True))
    return document


async def _part_of(
    http: httpx.AsyncClient, settings: Settings, service: str, participant_id: UUID
) -> Any:
    url = f"{service_url(settings, service)}/v1/participants/{participant_id}/export"
    try:
        response = await http.get(url)
    except httpx.HTTPError as exc:
        return {"status": "unavailable", "error": type(exc).__name__}
    if response.status_code == 404:
        return {"status": "nothing_held"}
    if response.status_code != 200:
        return {"status": "refused", "http_status": response.status_code}
    return response.json()
