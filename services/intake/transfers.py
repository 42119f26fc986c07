"""Transfers between municipalities: asked by the new one, decided by the current one or an
operator, both audited; an approval moves the person and tells the network (the rules are in
domain/transfer.py)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from services.intake import repository
from services.intake.crypto import PersonalDataVault
from services.intake.domain.transfer import (
    Transfer,
    TransferRefused,
    TransferStatus,
    decide,
    is_own_registration,
    may_decide,
)
from services.intake.errors import IntakeError
from services.intake.records import coarse_location
from services.intake.repository import ParticipantRow, transfer_requests
from services.intake.schemas import HomeLocation, TransferAsk, TransferOut, TransferPage
from services.intake.service import PRODUCER, check_municipality
from shared import audit, outbox
from shared.auth import Principal
from shared.events import new_event
from shared.events.intake import ParticipantTransferred


async def ask(
    pool: asyncpg.Pool, body: TransferAsk, *, vault: PersonalDataVault, principal: Principal | None
) -> dict[str, Any]:
    """Ask for the person to be transferred to the caller's municipality; the answer is the
    same whether the person is known elsewhere, here, or nowhere."""
    check_municipality(principal, body.municipality)
    answer_id = uuid4()
    async with pool.acquire() as conn, conn.transaction():
        rows = await repository.lock_by_hash(conn, [vault.id_hash(body.national_id)])
        row = rows[0] if rows else None
        if row is not None and not is_own_registration(row.municipality, body.municipality):
            asked = await transfer_requests.ask(
                conn,
                [(row.participant_id, row.municipality, body.municipality)],
                requested_by=principal.key_id if principal else None,
                reopen_declined=True,
            )
            answer_id = asked[row.participant_id][0]
            await audit.record(conn, principal, "transfer.requested", [row.participant_id])
    return {"transfer_id": str(answer_id), "status": TransferStatus.REQUESTED.value}


async def list_transfers(
    pool: asyncpg.Pool,
    *,
    status: TransferStatus | None,
    after: UUID | None,
    limit: int,
    principal: Principal | None,
) -> TransferPage:
    """Transfer requests a caller may decide: a municipality's about its own participants."""
    own = principal.municipality if principal and principal.role == "municipality" else None
    if principal and principal.role == "municipality" and own is None:
        return TransferPage(items=[], next_after=None)
    async with pool.acquire() as conn:
        found = await transfer_requests.page(
            conn, from_municipality=own, status=status, after=after, limit=limit
        )
    items = [TransferOut(**asdict(t)) for t in found]
    return TransferPage(
        items=items, next_after=found[-1].transfer_id if len(found) == limit else None
    )


async def decide_transfer(
    pool: asyncpg.Pool,
    transfer_id: UUID,
    *,
    approve: bool,
    vault: PersonalDataVault,
    principal: Principal | None,
) -> TransferOut:
    """Approve (the person, their case and figures move) or decline a transfer request."""
    async with pool.acquire() as conn, conn.transaction():
        asked = await transfer_requests.get(conn, transfer_id)
        if asked is None or not _may_decide(asked, principal):
            raise IntakeError(404, "transfer_not_found", f"no transfer {transfer_id}")
        row = await repository.get(conn, asked.participant_id, lock=True)  # the person first,
        transfer = await transfer_requests.get(conn, transfer_id, lock=True)  # as registering
        assert row is not None and transfer is not None  # a request goes with its participant
        try:
            decided = decide(transfer, approve=approve, current=row.municipality, now=_now())
        except TransferRefused as refused:
            raise IntakeError(409, refused.reason, str(refused)) from None
        await transfer_requests.save_decision(
            conn, decided, decided_by=principal.key_id if principal else None
        )
        action = f"transfer.{decided.status.value}"
        await audit.record(conn, principal, action, [row.participant_id], ["municipality"])
        if decided.status is TransferStatus.APPROVED:
            await _move(conn, row, decided, vault)
    return TransferOut(**asdict(decided))


def _may_decide(transfer: Transfer, principal: Principal | None) -> bool:
    return principal is None or may_decide(transfer, principal.role, principal.municipality)


def _now() -> datetime:
    return datetime.now(UTC)


async def _move(
    conn: asyncpg.Connection, row: ParticipantRow, transfer: Transfer, vault: PersonalDataVault
) -> None:
    """The participant now belongs to the new municipality: the profile follows, and
    participant.transferred lets caseplan, matching and reporting follow."""
    home = vault.open(row.personal, bound_to=row.participant_id.bytes).get("home")
    to = transfer.to_municipality
    location = coarse_location(to, HomeLocation.model_validate(home) if home else None)
    row.profile = {**row.profile, "municipality": to, "location": location}
    row.municipality = to
    await repository.update_many(conn, [row], reregistration=False)
    event = ParticipantTransferred(
        **row.profile,
        transfer_id=transfer.transfer_id,
        from_municipality=transfer.from_municipality,
    )
    await outbox.record(conn, [new_event(event, producer=PRODUCER)])
