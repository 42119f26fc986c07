"""What reporting holds about one participant, for a subject access request (GDPR art. 15).

Reporting's figures are served to operators and admins only; this one route lets the
participant's municipality (or an admin) see the facts kept under the participant's id.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.encoders import jsonable_encoder

from services.reporting.repository.projection import hold_read_model_lock
from shared import audit
from shared.auth import Allow, Principal
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

FACT_TABLES = (
    "participant_fact",
    "participant_privacy",
    "case_fact",
    "activity_fact",
    "placement_fact",
    "exit_fact",
    "follow_up_fact",
    "match_fact",
    "figure_entry",
    "participant_org",
    "waiting_interval",
    "activity_gap",
    "meeting_fact",
)
"""Reporting's tables keyed by the participant's id (the figure store's contributions too)."""

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
        municipality = await conn.fetchval(
            "SELECT municipality FROM participant_fact WHERE participant_id = $1", participant_id
        )
        mine = principal is None or principal.is_admin or principal.municipality == municipality
        if municipality is None or not mine:
            raise HTTPException(404, {"reason": "participant_not_found", "message": "none held"})
        facts = {
            table: [
                dict(r)
                for r in await conn.fetch(
                    f"SELECT * FROM {table} WHERE participant_id = $1", participant_id
                )
            ]
            for table in FACT_TABLES
        }
        await audit.record(conn, principal, "exported", [participant_id], list(FACT_TABLES))
    return jsonable_encoder(facts)
