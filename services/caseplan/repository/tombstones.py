"""SQL of erasure tombstones: who was erased and when (the pseudonymous id only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg


async def record_erasure(conn: asyncpg.Connection, participant_id: UUID, at: datetime) -> None:
    """Remember that the participant was erased (the first erasure's time is kept)."""
    await conn.execute(
        "INSERT INTO participant_tombstone (participant_id, erased_at) VALUES ($1, $2)"
        " ON CONFLICT (participant_id) DO NOTHING",
        participant_id,
        at,
    )


async def erased_among(conn: asyncpg.Connection, participant_ids: Sequence[UUID]) -> set[UUID]:
    """Those of these participants who were erased."""
    rows = await conn.fetch(
        "SELECT participant_id FROM participant_tombstone WHERE participant_id = ANY($1::uuid[])",
        list(participant_ids),
    )
    return {r["participant_id"] for r in rows}
