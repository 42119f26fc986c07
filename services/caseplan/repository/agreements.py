"""Storage of service agreements, and their lines in the audit log."""

from __future__ import annotations

from typing import TypeAlias
from uuid import UUID

import asyncpg

from services.caseplan.domain.agreements import Agreed, ServiceAgreement
from shared.auth import Principal

Conn: TypeAlias = asyncpg.Connection

_COLUMNS = "agreement_id, organisation_id, municipality, created_at, ended_at"


def _agreement(r: asyncpg.Record) -> ServiceAgreement:
    return ServiceAgreement(
        agreement_id=r["agreement_id"],
        organisation_id=r["organisation_id"],
        municipality=r["municipality"],
        created_at=r["created_at"],
        ended_at=r["ended_at"],
    )


async def insert_agreement(
    conn: Conn, *, agreement_id: UUID, organisation_id: UUID, municipality: str, by: UUID | None
) -> ServiceAgreement | None:
    """A new live agreement, or None when the same one is already live."""
    row = await conn.fetchrow(
        "INSERT INTO service_agreement (agreement_id, organisation_id, municipality, created_by)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (organisation_id, municipality)"
        f" WHERE ended_at IS NULL DO NOTHING RETURNING {_COLUMNS}",
        agreement_id,
        organisation_id,
        municipality,
        by,
    )
    return None if row is None else _agreement(row)


async def agreement(
    conn: Conn, agreement_id: UUID, *, lock: bool = False
) -> ServiceAgreement | None:
    """One agreement, live or ended."""
    sql = f"SELECT {_COLUMNS} FROM service_agreement WHERE agreement_id = $1"
    row = await conn.fetchrow(sql + (" FOR UPDATE" if lock else ""), agreement_id)
    return None if row is None else _agreement(row)


async def save_end(conn: Conn, ended: ServiceAgreement, by: UUID | None) -> None:
    """Record that an agreement ended."""
    await conn.execute(
        "UPDATE service_agreement SET ended_at = $2, ended_by = $3 WHERE agreement_id = $1",
        ended.agreement_id,
        ended.ended_at,
        by,
    )


async def agreements(
    conn: Conn,
    *,
    municipality: str | None = None,
    organisation_id: UUID | None = None,
    live_only: bool = False,
) -> list[ServiceAgreement]:
    """Agreements, oldest first, of one municipality and/or organisation when given."""
    rows = await conn.fetch(
        f"SELECT {_COLUMNS} FROM service_agreement"
        " WHERE ($1::text IS NULL OR municipality = $1)"
        " AND ($2::uuid IS NULL OR organisation_id = $2)"
        " AND (NOT $3 OR ended_at IS NULL) ORDER BY created_at, agreement_id",
        municipality,
        organisation_id,
        live_only,
    )
    return [_agreement(r) for r in rows]


async def agreed(conn: Conn) -> Agreed:
    """Every live agreement as (organisation, municipality) pairs."""
    rows = await conn.fetch(
        "SELECT organisation_id, municipality FROM service_agreement WHERE ended_at IS NULL"
    )
    return frozenset((r["organisation_id"], r["municipality"]) for r in rows)


async def audit_change(
    conn: Conn, principal: Principal | None, action: str, agreement: ServiceAgreement
) -> None:
    """One audit line for a change of an agreement (it names no participant)."""
    p = principal
    await conn.execute(
        "INSERT INTO audit_log (key_id, organisation_id, role, action, fields, client)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        p.key_id if p else None,
        p.organisation_id if p else None,
        p.role if p else None,
        action,
        [
            f"agreement_id={agreement.agreement_id}",
            f"organisation_id={agreement.organisation_id}",
            f"municipality={agreement.municipality}",
        ],
        p.client if p else None,
    )
