"""SQL of the pool's tombstones: who left for good (erased or exited) and when, id only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

import asyncpg

from services.matching.domain.departure import Departure

ERASURE_LOCK = 0x4D455241  # "MERA": erasures exclusive, registrations shared


async def hold_erasure_lock(conn: asyncpg.Connection, *, exclusive: bool) -> None:
    """Serialise erasures with registrations across replicas, so neither misses the other."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(f"SELECT {fn}($1)", ERASURE_LOCK)


async def record_erasure(conn: asyncpg.Connection, participant_id: UUID, at: datetime) -> None:
    """Remember that the participant was erased (the first time is kept)."""
    await _record(conn, "erased_at", participant_id, at)


async def record_exit(conn: asyncpg.Connection, participant_id: UUID, at: datetime) -> None:
    """Remember that the participant exited (the first time is kept)."""
    await _record(conn, "exited_at", participant_id, at)


async def record_matching_withdrawn(
    conn: asyncpg.Connection, participant_id: UUID, at: datetime
) -> None:
    """Remember that the participant withdrew consent to matching (the first time is kept)."""
    await _record(conn, "matching_withdrawn_at", participant_id, at)


async def _record(
    conn: asyncpg.Connection, column: str, participant_id: UUID, at: datetime
) -> None:
    assert column in ("erased_at", "exited_at", "matching_withdrawn_at")
    await conn.execute(
        f"INSERT INTO participant_tombstone (participant_id, {column}) VALUES ($1, $2)"
        f" ON CONFLICT (participant_id) DO UPDATE SET {column} ="
        f" coalesce(participant_tombstone.{column}, EXCLUDED.{column})",
        participant_id,
        at,
    )


async def departures(
    conn: asyncpg.Connection, participant_ids: Sequence[UUID]
) -> dict[UUID, Departure]:
    """Those of these participants who left, with when."""
    rows = await conn.fetch(
        "SELECT participant_id, erased_at, exited_at, matching_withdrawn_at"
        " FROM participant_tombstone"
        " WHERE participant_id = ANY($1::uuid[])",
        list(participant_ids),
    )
    return {
        r["participant_id"]: Departure(r["erased_at"], r["exited_at"], r["matching_withdrawn_at"])
        for r in rows
    }
