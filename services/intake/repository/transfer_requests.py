"""The SQL of transfer requests (intake's `transfer_request` table)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID, uuid4

import asyncpg

from services.intake.domain.transfer import Transfer, TransferStatus

_COLUMNS = (
    "transfer_id, participant_id, from_municipality, to_municipality, status, requested_at,"
    " decided_at"
)

_ASK = (
    "WITH t AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[])"
    " AS t(i, p, f, m)),"
    " up AS (INSERT INTO transfer_request (transfer_id, participant_id, from_municipality,"
    " to_municipality, requested_by) SELECT i, p, f, m, $5 FROM t"
    " ON CONFLICT (participant_id, to_municipality) DO UPDATE SET status = 'requested',"
    " from_municipality = EXCLUDED.from_municipality, requested_at = now(),"
    " requested_by = EXCLUDED.requested_by, decided_at = NULL, decided_by = NULL"
    # an approved request is history once the person left again; a declined one is asked
    # again only explicitly (`reopen_declined`), never by a repeated registration
    " WHERE transfer_request.status = 'approved'"
    " OR ($6 AND transfer_request.status = 'declined')"
    " RETURNING transfer_id, participant_id, xmax = 0 AS fresh)"
    " SELECT transfer_id, participant_id, fresh FROM up UNION ALL"
    " SELECT r.transfer_id, r.participant_id, false FROM transfer_request r"
    " JOIN t ON r.participant_id = t.p AND r.to_municipality = t.m"
    " WHERE r.transfer_id NOT IN (SELECT transfer_id FROM up)"
)


async def ask(
    conn: asyncpg.Connection,
    requests: Sequence[tuple[UUID, str, str]],
    *,
    requested_by: UUID | None,
    reopen_declined: bool,
) -> dict[UUID, tuple[UUID, bool]]:
    """Record requests (participant id, from, to), one per participant; by participant id:
    (transfer id, True when the request is new)."""
    rows = await conn.fetch(
        _ASK,
        [uuid4() for _ in requests],
        [p for p, _, _ in requests],
        [f for _, f, _ in requests],
        [m for _, _, m in requests],
        requested_by,
        reopen_declined,
    )
    return {r["participant_id"]: (r["transfer_id"], r["fresh"]) for r in rows}


def _transfer(record: asyncpg.Record) -> Transfer:
    return Transfer(**{**dict(record), "status": TransferStatus(record["status"])})


async def get(
    conn: asyncpg.Connection, transfer_id: UUID, *, lock: bool = False
) -> Transfer | None:
    """One transfer request, optionally locked for the decision."""
    suffix = " FOR UPDATE" if lock else ""
    record = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM transfer_request WHERE transfer_id = $1{suffix}", transfer_id
    )
    return None if record is None else _transfer(record)


async def of_participant(conn: asyncpg.Connection, participant_id: UUID) -> list[Transfer]:
    """Every transfer asked for a participant, oldest first (for their subject-access export)."""
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM transfer_request WHERE participant_id = $1 ORDER BY requested_at",
        participant_id,
    )
    return [_transfer(r) for r in records]


async def page(
    conn: asyncpg.Connection,
    *,
    from_municipality: str | None,
    status: TransferStatus | None,
    after: UUID | None,
    limit: int,
) -> list[Transfer]:
    """Requests in id order (of one municipality's participants when named); an open request
    is listed only while the person is still in the municipality it would move them from."""
    records = await conn.fetch(
        f"SELECT {', '.join('r.' + c for c in _COLUMNS.split(', '))} FROM transfer_request r"
        " JOIN participant p USING (participant_id)"
        " WHERE ($1::text IS NULL OR r.from_municipality = $1)"
        " AND ($2::text IS NULL OR r.status = $2)"
        " AND (r.status <> 'requested' OR r.from_municipality = p.municipality)"
        " AND ($3::uuid IS NULL OR r.transfer_id > $3) ORDER BY r.transfer_id LIMIT $4",
        from_municipality,
        None if status is None else status.value,
        after,
        limit,
    )
    return [_transfer(r) for r in records]


async def save_decision(
    conn: asyncpg.Connection, transfer: Transfer, *, decided_by: UUID | None
) -> None:
    """Write back a decided transfer."""
    await conn.execute(
        "UPDATE transfer_request SET status = $2, decided_at = $3, decided_by = $4"
        " WHERE transfer_id = $1",
        transfer.transfer_id,
        transfer.status.value,
        transfer.decided_at,
        decided_by,
    )
