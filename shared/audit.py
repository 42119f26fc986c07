"""The audit log of personal data: who read or changed what about whom, when, from where."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from shared.auth import Allow, Principal
from shared.runtime import PoolDep


async def record(
    conn: asyncpg.Connection,
    principal: Principal | None,
    action: str,
    participant_ids: Sequence[UUID],
    fields: Sequence[str] = (),
    *,
    imported: bool = False,
) -> None:
    """Append one line per participant touched (in the caller's transaction); `imported`
    marks a line written by a history import (shared/history.py)."""
    if not participant_ids:
        return
    p = principal
    await conn.execute(
        "INSERT INTO audit_log (key_id, organisation_id, role, action, participant_id, fields,"
        " client, person_id, imported) SELECT $1, $2, $3, $4, unnest($5::uuid[]), $6, $7, $8, $9",
        p.key_id if p else None,
        p.organisation_id if p else None,
        p.role if p else None,
        action,
        list(participant_ids),
        list(fields),
        p.client if p else None,
        p.person_id if p else None,
        imported,
    )


async def trail(conn: asyncpg.Connection, participant_id: UUID) -> list[asyncpg.Record]:
    """The participant's audit lines in order: when, which organisation and role, what."""
    return await conn.fetch(
        "SELECT at, organisation_id, role, action, fields FROM audit_log"
        " WHERE participant_id = $1 ORDER BY seq",
        participant_id,
    )


def insert_from(source: str, first: int) -> str:
    """SQL appending one line per `participant_id` of `source` (a CTE), to fold into a
    statement that changes those participants; its parameters are `params(...)` from `$first`."""
    a, f, c, who, imp = (f"${first + i}" for i in (0, 4, 5, 6, 7))
    key, org, role = (f"${first + i}" for i in (1, 2, 3))
    return (
        "INSERT INTO audit_log (key_id, organisation_id, role, action, participant_id, fields,"
        f" client, person_id, imported) SELECT {key}::uuid, {org}::uuid, {role}::text,"
        f" {a}::text, participant_id, {f}::text[], {c}::text, {who}::uuid, {imp}::boolean"
        f" FROM {source}"
    )


def params(
    principal: Principal | None,
    action: str,
    fields: Sequence[str],
    *,
    imported: bool = False,
) -> list[Any]:
    """The parameters of `insert_from`, in order."""
    p = principal
    return [
        action,
        p.key_id if p else None,
        p.organisation_id if p else None,
        p.role if p else None,
        list(fields),
        p.client if p else None,
        p.person_id if p else None,
        imported,
    ]


class AuditEntry(BaseModel):
    """One line of the audit log."""

    model_config = ConfigDict(extra="forbid")

    seq: int
    at: datetime
    key_id: UUID | None
    organisation_id: UUID | None
    role: str | None
    action: str
    participant_id: UUID | None
    fields: list[str]
    client: str | None
    person_id: UUID | None = None
    imported: bool = False
    """Written by a history import (a key with the `history` scope)."""


router = APIRouter(prefix="/v1", tags=["audit"])


@router.get("/audit", response_model=list[AuditEntry])
async def audit_of_participant(
    pool: PoolDep,
    principal: Annotated[Principal, Allow("admin")],
    participant_id: UUID,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntry]:
    """Who read or changed this participant's personal data here (admin only)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT seq, at, key_id, organisation_id, role, action, participant_id, fields,"
            " client, person_id, imported FROM audit_log WHERE participant_id = $1 ORDER BY seq LIMIT $2",
            participant_id,
            limit,
        )
        await record(conn, principal, "audit.read", [participant_id])
    return [AuditEntry(**dict(r)) for r in rows]
