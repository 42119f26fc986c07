"""Intake's HTTP API: registrations, batch imports, participants, corrections, consent."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response

from services.intake import batch, names, privacy, service, sheets, transfers
from services.intake.crypto import PersonalDataVault
from services.intake.domain.transfer import TransferStatus
from services.intake.errors import IntakeError
from services.intake.schemas import (
    ConsentWithdrawal,
    IntakeOut,
    NameSearch,
    ParticipantCorrection,
    ParticipantMatches,
    ParticipantOut,
    ParticipantPage,
    RegistrationIn,
    TransferAsk,
    TransferAsked,
    TransferOut,
    TransferPage,
)
from shared import audit, history, receipts, spreadsheet
from shared.auth import Allow, Principal
from shared.openapi_errors import refusals
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["intake"])

Municipal = Annotated[Principal, Allow("municipality", "admin")]
"""The registering municipality (its own participants only) or an admin."""

NameReader = Annotated[
    Principal, Allow("municipality", "support_worker", "employer", "workshop", "admin")
]
"""Also a support worker, for the participants whose case its organisation holds, and an
employer or workshop, for the given names of those it accepted (by a placement receipt)."""

Decider = Annotated[Principal, Allow("municipality", "operator", "admin")]
"""Who decides transfers: the participant's current municipality, an operator or an admin."""

BATCH_UPLOAD: dict[str, Any] = {
    "encoding": {
        "file": {"contentType": f"text/csv, {spreadsheet.XLSX_TYPE}, application/x-ndjson"}
    },
    "example": {
        "file": "national_id,given_name,family_name,labour_market_status,consent_purposes,"
        "consent_given_at,consent_recorded_by\n49001151239,Aino,Tamm,long_term_unemployed,"
        "case_management;matching,2026-01-15T09:30:00+02:00,Tartu social services\n"
    },
}
"""The upload's parts: a CSV, .xlsx or JSON-lines file, one intake a row."""
NOT_FOUND = refusals({404: ["participant_not_found"]})
CHANGE = refusals({404: ["participant_not_found"], 409: ["consent_withdrawn"]})


async def _vault(request: Request) -> PersonalDataVault:  # async: no worker thread
    return service.vault_of(request.app.state.runtime.settings)


VaultDep = Annotated[PersonalDataVault, Depends(_vault)]


@router.post(
    "/intakes",
    status_code=201,
    response_model=IntakeOut,
    responses={
        200: {"model": IntakeOut, "description": "The person was known: record updated"},
        **refusals(
            {
                403: ["other_municipality", "history_import_not_allowed"],
                422: ["idempotency_key_reused", "registered_in_future", "registered_before_floor"],
            }
        ),
    },
)
async def register(
    body: RegistrationIn,
    request: Request,
    principal: Municipal,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> JSONResponse:
    """Register one participant (or update them when already known); a key with the
    `history` scope may date the registration back (`registered_on`)."""
    runtime = request.app.state.runtime  # not dependencies: the busiest route, each costs
    answer = await service.register(
        runtime.db,
        body,
        vault=service.vault_of(runtime.settings),
        idempotency_key=idempotency_key,
        principal=principal,
    )
    proof = receipts.receipt(
        runtime.settings.id_hash_secret, answer.body["participant_id"], body.municipality
    )
    return JSONResponse(
        answer.body | {"registration_receipt": proof}, status_code=answer.status_code
    )


@router.post(
    "/intakes/batch",
    response_model=batch.BatchOut,
    responses=refusals(
        {
            403: ["other_municipality"],
            409: ["idempotency_key_reused"],
            413: ["file_too_large", "too_many_rows"],
            415: ["unsupported_format"],
            422: ["not_utf8", "not_text", "not_xlsx"],
        }
    ),
    openapi_extra={"requestBody": {"content": {"multipart/form-data": BATCH_UPLOAD}}},
)
async def register_batch(
    file: UploadFile,
    pool: PoolDep,
    vault: VaultDep,
    municipality: Annotated[str, Query(min_length=2, max_length=60)],
    principal: Municipal,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
) -> JSONResponse:
    """Register many intakes from a CSV, .xlsx or JSON-lines file; each row is created, updated
    or rejected (its row counted from 1 under the header, the fields named). A key with the
    `history` scope may give each row its `registered_on`."""
    service.check_municipality(principal, municipality)
    data = await file.read(batch.MAX_BYTES + 1)
    if len(data) > batch.MAX_BYTES:
        raise IntakeError(413, "file_too_large", f"at most {batch.MAX_BYTES} bytes per upload")
    kind = batch.detect_format(file.filename, file.content_type)
    rows = await asyncio.to_thread(batch.parse, data, kind=kind, municipality=municipality)
    key = (municipality, f"batch:{idempotency_key}") if idempotency_key else None
    sheet = kind != "jsonl"
    out = await batch.register_rows(
        pool, rows, vault=vault, idempotency_key=key, sheet=sheet,
        importer=history.may_import(principal), municipality=municipality,
    )  # fmt: skip
    imported = set(out.imported_ids)
    async with pool.acquire() as conn:
        for dated in (False, True):
            touched = [p for p in out.participant_ids if (p in imported) == dated]
            await audit.record(
                conn, principal, "participant.batch", touched, service.PERSONAL_FIELDS,
                imported=dated,
            )  # fmt: skip
    return JSONResponse(out.body)  # built as JSON already; `BatchOut` documents it


TEMPLATES = {
    "csv": ("text/csv; charset=utf-8", sheets.template_csv),
    "xlsx": (spreadsheet.XLSX_TYPE, sheets.template_xlsx),
}


@router.get(
    "/intakes/template.{kind}",
    response_class=Response,
    responses={
        200: {
            "description": "The header row and one example row",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                spreadsheet.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        },
    },
)
async def batch_template(kind: Literal["csv", "xlsx"], principal: Municipal) -> Response:
    """The batch upload's columns: a CSV (UTF-8 with BOM, `;`-separated) or .xlsx template."""
    media_type, build = TEMPLATES[kind]
    disposition = f'attachment; filename="polku-intake-template.{kind}"'
    return Response(build(), media_type=media_type, headers={"Content-Disposition": disposition})


@router.get(
    "/participants/{participant_id:uuid}", response_model=ParticipantOut, responses=NOT_FOUND
)
async def get_participant(
    participant_id: UUID, pool: PoolDep, vault: VaultDep, principal: Municipal
) -> ParticipantOut:
    """One participant, for the registering municipality."""
    return await service.get_participant(pool, participant_id, vault=vault, principal=principal)


@router.post("/participants/names", response_model=list[names.NameOut])
async def participant_names(
    body: names.NamesIn, request: Request, pool: PoolDep, vault: VaultDep, principal: NameReader
) -> list[names.NameOut]:
    """The names of these participants that the caller may read: the registering municipality
    its own; a support worker those whose case receipt (from caseplan's list of cases) is
    valid for its organisation, or whose waiting receipt (from caseplan's waiting list: the
    person waits where the organisation serves under a service agreement) is; an employer or
    workshop the given names of those it accepted
    (matching's placement receipt) who agreed to employer contact. Others are left out, as
    unknown ids are."""
    secret = request.app.state.runtime.settings.id_hash_secret
    return await names.names(pool, body, vault=vault, principal=principal, secret=secret)


@router.get(
    "/participants",
    response_model=ParticipantPage,
    responses=refusals({403: ["other_municipality"]}),
)
async def list_participants(
    pool: PoolDep,
    vault: VaultDep,
    principal: Municipal,
    municipality: Annotated[str, Query(min_length=2, max_length=60)],
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> ParticipantPage:
    """A municipality's participants, a page at a time (pass `next_after` as `after`)."""
    return await service.list_participants(
        pool,
        municipality=municipality,
        after=after,
        limit=limit,
        vault=vault,
        principal=principal,
    )


@router.post(
    "/participants/search",
    response_model=ParticipantMatches,
    responses=refusals({403: ["other_municipality"], 422: ["query_too_short"]}),
)
async def search_participants(
    search: NameSearch, pool: PoolDep, vault: VaultDep, principal: Municipal
) -> ParticipantMatches:
    """A municipality's participants whose given or family names start with every word of
    `name` ("Tam" finds Tamm and Tamm-Kask; "tonu" finds Tõnu). Names are found through keyed
    hashes of their prefixes, never stored in the clear; each search is audited."""
    return await service.find_by_name(
        pool,
        municipality=search.municipality,
        name=search.name,
        limit=search.limit,
        vault=vault,
        principal=principal,
    )


@router.patch(
    "/participants/{participant_id:uuid}", response_model=ParticipantOut, responses=CHANGE
)
async def correct_participant(
    participant_id: UUID,
    body: ParticipantCorrection,
    pool: PoolDep,
    vault: VaultDep,
    principal: Municipal,
) -> ParticipantOut:
    """Correct a participant's details; emits participant.updated when the profile changes."""
    return await service.correct(pool, participant_id, body, vault=vault, principal=principal)


@router.post("/participants/{participant_id}/consent-withdrawal", responses=CHANGE)
async def withdraw_consent(
    participant_id: UUID, body: ConsentWithdrawal, pool: PoolDep, principal: Municipal
) -> dict[str, object]:
    """Record that the participant withdrew consent; emits participant.consent_withdrawn."""
    remaining = await service.withdraw_consent(pool, participant_id, body, principal)
    return {"participant_id": str(participant_id), "purposes_still_held": remaining}


@router.post("/participants/{participant_id}/erasure", responses=NOT_FOUND)
async def erase_participant(
    participant_id: UUID, pool: PoolDep, runtime: RuntimeDep, principal: Municipal
) -> dict[str, str]:
    """Erase the participant (GDPR art. 17): intake deletes; participant.erased tells the rest."""
    await privacy.erase(pool, participant_id, principal, runtime.redis)
    return {"participant_id": str(participant_id), "status": "erased"}


@router.get("/participants/{participant_id}/export", responses=NOT_FOUND)
async def export_participant(
    participant_id: UUID,
    request: Request,
    pool: PoolDep,
    runtime: RuntimeDep,
    vault: VaultDep,
    principal: Municipal,
) -> dict[str, Any]:
    """Everything the network holds about the participant as one JSON document (GDPR art. 15)."""
    return await privacy.export(
        pool,
        participant_id,
        vault=vault,
        settings=runtime.settings,
        principal=principal,
        authorization=request.headers.get("authorization"),
    )


@router.post("/transfers", status_code=202, response_model=TransferAsked)
async def ask_transfer(
    body: TransferAsk, pool: PoolDep, vault: VaultDep, principal: Municipal
) -> dict[str, Any]:
    """Ask for a person registered elsewhere to move here; the answer never tells whether,
    or where, they are known (their municipality or an operator decides)."""
    return await transfers.ask(pool, body, vault=vault, principal=principal)


@router.get("/transfers", response_model=TransferPage)
async def list_transfers(
    pool: PoolDep,
    principal: Decider,
    status: TransferStatus | None = None,
    after: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> TransferPage:
    """Transfer requests to decide: a municipality sees those about its own participants."""
    return await transfers.list_transfers(
        pool, status=status, after=after, limit=limit, principal=principal
    )


_DECIDED = refusals({404: ["transfer_not_found"], 409: ["transfer_decided", "transfer_outdated"]})
"""Unknown or not the caller's to decide; decided already, or the participant moved since."""


@router.post("/transfers/{transfer_id}/approval", response_model=TransferOut, responses=_DECIDED)
async def approve_transfer(
    transfer_id: UUID, pool: PoolDep, vault: VaultDep, principal: Decider
) -> TransferOut:
    """Approve: the participant, their case plan and figures move to the new municipality."""
    return await transfers.decide_transfer(
        pool, transfer_id, approve=True, vault=vault, principal=principal
    )


@router.post("/transfers/{transfer_id}/decline", response_model=TransferOut, responses=_DECIDED)
async def decline_transfer(
    transfer_id: UUID, pool: PoolDep, vault: VaultDep, principal: Decider
) -> TransferOut:
    """Decline: the participant stays where they are."""
    return await transfers.decide_transfer(
        pool, transfer_id, approve=False, vault=vault, principal=principal
    )
