"""What reporting holds about one participant, for a subject access request (GDPR art. 15).

Reporting's figures are served to operators and admins only; this one route lets the
participant's municipality (or an admin) see the facts kept under the participant's id.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.encoders import jsonable_encoder

from services.reporting.repository import subject as facts_of
from services.reporting.repository.projection import hold_read_model_lock
from shared import audit
from shared.auth import Allow, Principal
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["reporting"])


@router.get(
    "/participants/{participant_id}/export",
    responses=refusals({404: ["participant_not_found"]}),
)
async def export_participant(
    participant_id: UUID,
    pool: PoolDep,
    principal: Annotated[Principal, Allow("municipality", "admin")],
) -> dict[str, Any]:
    """Every fact reporting keeps under the participant's id (404 when none, or not yours)."""
    async with pool.acquire() as conn, conn.transaction():
        await hold_read_model_lock(conn, exclusive=False)  # never half-way through a rebuild
        municipality = await facts_of.municipality(conn, participant_id)
        mine = principal is None or principal.is_admin or principal.municipality == municipality
        if municipality is None or not mine:
            raise HTTPException(404, {"reason": "participant_not_found", "message": "none held"})
        facts = await facts_of.every_fact(conn, participant_id)
        await audit.record(conn, principal, "exported", [participant_id], list(facts_of.TABLES))
    return jsonable_encoder(facts)
