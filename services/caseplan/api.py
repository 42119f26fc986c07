"""Caseplan's HTTP API (walking skeleton)."""

from uuid import UUID

from fastapi import APIRouter, HTTPException

from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"])


@router.get("/participants/{participant_id}/case-plan")
async def get_case_plan(participant_id: UUID, pool: PoolDep) -> dict[str, object]:
    """The case plan of one participant."""
    row = await pool.fetchrow("SELECT * FROM case_plan WHERE participant_id = $1", participant_id)
    if row is None:
        raise HTTPException(404, detail={"reason": "case_plan_not_found"})
    return {k: (str(v) if v is not None else None) for k, v in dict(row).items()}
