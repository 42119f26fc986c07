"""Intake's HTTP API: registrations, batch imports, participants, corrections, consent."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, UploadFile
from fastapi.responses import JSONResponse

from services.intake import batch, service
from services.intake.crypto import PersonalDataVault
from services.intake.errors import IntakeError
from services.intake.schemas import (
    ConsentWithdrawal,
    IntakeIn,
    IntakeOut,
    ParticipantCorrection,
    ParticipantOut,
    ParticipantPage,
)
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["intake"])

REASONS: dict[int | str, dict[str, Any]] = {
    422: {"description": "Invalid fields, each with a machine-readable reason"}
}


def _vault(runtime: RuntimeDep) -> PersonalDataVault:
    return service.vault_of(runtime.settings)


@router.post(
    "/intakes",
    status_code=201,
    response_model=IntakeOut,
    responses={
        200: {"model": IntakeOut, "description": "The person was known: record updated"},
        409: {"description": "Idempotency-Key reused with a different body"},
        **REASONS,
    },
)
async def register(
    body: IntakeIn,
    pool: PoolDep,
    runtime: RuntimeDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> JSONResponse:
    """Register one participant (or update them when already known)."""
    answer = await service.register(
        pool, body, vault=_vault(runtime), idempotency_key=idempotency_key
    )
    return JSONResponse(answer.body, status_code=answer.status_code)


@router.post("/intakes/batch", response_model=batch.BatchOut, responses=REASONS)
async def register_batch(
    file: UploadFile,
    pool: PoolDep,
    runtime: RuntimeDep,
    municipality: Annotated[str, Query(min_length=2, max_length=60)],
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> batch.BatchOut:
    """Register many intakes from a CSV or JSON-lines file; each row is created, updated or rejected."""
    data = await file.read(batch.MAX_BYTES + 1)
    if len(data) > batch.MAX_BYTES:
        raise IntakeError(413, "file_too_large", f"at most {batch.MAX_BYTES} bytes per upload")
    kind = batch.detect_format(file.filename, file.content_type)
    rows = await asyncio.to_thread(batch.parse, data, kind=kind, municipality=municipality)
    key = f"{municipality}:batch:{idempotency_key}" if idempotency_key else None
    return await batch.register_rows(pool, rows, vault=_vault(runtime), idempotency_key=key)


@router.get("/participants/{participant_id}", response_model=ParticipantOut)
async def get_participant(
    participant_id: UUID, pool: PoolDep, runtime: RuntimeDep
) -> ParticipantOut:
    """One participant, for the registering municipality."""
    return await service.get_participant(pool, participant_id, vault=_vault(runtime))


@router.get("/participants", response_model=ParticipantPage)
async def list_participants(
    pool: PoolDep,
    runtime: RuntimeDep,
    municipality: Annotated[str, Query(min_length=2, max_length=60)],
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ParticipantPage:
    """A municipality's participants, a page at a time (pass `next_after` as `after`)."""
    return await service.list_participants(
        pool, municipality=municipality, after=after, limit=limit, vault=_vault(runtime)
    )


@router.patch("/participants/{participant_id}", response_model=ParticipantOut, responses=REASONS)
async def correct_participant(
    participant_id: UUID, body: ParticipantCorrection, pool: PoolDep, runtime: RuntimeDep
) -> ParticipantOut:
    """Correct a participant's details; emits participant.updated when the profile changes."""
    return await service.correct(pool, participant_id, body, vault=_vault(runtime))


@router.post("/participants/{participant_id}/consent-withdrawal", responses=REASONS)
async def withdraw_consent(
    participant_id: UUID, body: ConsentWithdrawal, pool: PoolDep
) -> dict[str, object]:
    """Record that the participant withdrew consent; emits participant.consent_withdrawn."""
    remaining = await service.withdraw_consent(pool, participant_id, body)
    return {"participant_id": str(participant_id), "purposes_still_held": remaining}
