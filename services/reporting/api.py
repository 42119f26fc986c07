"""Reporting's HTTP API (walking skeleton)."""

from fastapi import APIRouter

from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["reporting"])


@router.get("/reports/summary")
async def summary(pool: PoolDep) -> dict[str, int]:
    """Participants registered so far."""
    n = await pool.fetchval("SELECT count(*) FROM participant_fact")
    return {"participants_registered": int(n)}
