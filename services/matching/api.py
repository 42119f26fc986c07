"""Matching's HTTP API (walking skeleton)."""

from uuid import UUID

from fastapi import APIRouter, HTTPException

from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["matching"])


@router.get("/candidates/{participant_id}")
async def get_candidate(participant_id: UUID, pool: PoolDep) -> dict[str, str]:
    """Whether a participant is in the candidate pool."""
    row = await pool.fetchrow(
        "SELECT participant_id, municipality FROM candidate WHERE participant_id = $1",
        participant_id,
    )
    if row is None:
        raise HTTPException(404, detail={"reason": "candidate_not_found"})
    return {"participant_id": str(row["participant_id"]), "municipality": row["municipality"]}
