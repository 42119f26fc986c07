"""Whose openings, matches and candidates a caller may touch (scope checks behind `Allow`).

A workshop or employer acts only on its own openings and matches (its key's organisation is
the organisation id matching gave it); a municipality reads only its own participants; an
admin everything. Out of scope answers 404, since existence itself would leak.
A `None` principal is an internal caller (no HTTP request: the CLI, a test): unscoped.
Central workshop staff also read their satellites' organisation, openings and placements
(`domain/network.may_read`), never act for them.
"""

from __future__ import annotations

from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching.domain.network import Member, may_read
from services.matching.errors import MatchingError, not_found
from services.matching.repository import organisations as org_sql
from shared import audit
from shared.auth import Principal


def _unscoped(principal: Principal | None) -> bool:
    return principal is None or principal.is_admin


def check_organisation(principal: Principal | None, organisation_id: UUID) -> None:
    """A key acts only in its own organisation's name (403 otherwise)."""
    if not _unscoped(principal) and principal and principal.organisation_id != organisation_id:
        raise MatchingError(403, "other_organisation", "a key acts only for its own organisation")


async def check_organisation_exists(
    pool: asyncpg.Pool, principal: Principal | None, organisation_id: UUID
) -> None:
    """Another organisation's inbox is as unknown as a missing one (404)."""
    if not _unscoped(principal) and principal and principal.organisation_id != organisation_id:
        raise not_found("organisation")


async def check_opening(
    pool: asyncpg.Pool, principal: Principal | None, opening_id: UUID, *, read: bool = False
) -> None:
    """Only the opening's own organisation (or an admin) changes it; its central workshop's
    staff may also `read` it."""
    if _unscoped(principal) or principal is None:
        return
    owner = await org_sql.owner_of_opening(pool, opening_id)
    if owner is None:
        return
    member = Member(owner["organisation_id"], owner["kind"], owner["central_workshop_id"])
    allowed = (
        may_read(principal.organisation_id, member)
        if read
        else member.organisation_id == principal.organisation_id
    )
    if not allowed:
        raise not_found("opening")


def reader_of(principal: Principal | None) -> UUID | None:
    """Whose organisations' things a caller lists: None (every one) for an admin."""
    return None if _unscoped(principal) or principal is None else principal.organisation_id


async def check_reader(
    pool: asyncpg.Pool, principal: Principal | None, organisation_id: UUID
) -> None:
    """An organisation's page is read by its own staff, its central workshop's staff or an
    admin; to anyone else it is as unknown as a missing one (404). Unknown: 404 as well."""
    row = await org_sql.network_of(pool, organisation_id)
    if row is None:
        raise not_found("organisation")
    reader = reader_of(principal)
    member = Member(row["organisation_id"], row["kind"], row["central_workshop_id"])
    if reader is not None and not may_read(reader, member):
        raise not_found("organisation")


async def check_match(pool: asyncpg.Pool, principal: Principal | None, match_id: UUID) -> None:
    """Only the match's organisation (or an admin) answers a proposal."""
    if _unscoped(principal):
        return
    row = await repo.fetch_match(pool, match_id)
    if row is not None and principal and row["organisation_id"] != principal.organisation_id:
        raise not_found("match")


async def check_case(
    pool: asyncpg.Pool, principal: Principal | None, participant_id: UUID, action: str
) -> None:
    """The support organisation holding the case (or the participant's municipality) sees
    the participant's proposals (404 otherwise); the read is audited."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.fetch_candidate(conn, participant_id)
        if row is None:
            raise not_found("candidate")
        if not _unscoped(principal) and principal and not _holds_case(principal, row):
            raise not_found("candidate")
        await audit.record(conn, principal, action, [participant_id], ["candidate", "match"])


def _holds_case(principal: Principal, row: asyncpg.Record) -> bool:
    if principal.role == "support_worker":
        org = principal.organisation_id
        return org is not None and org == row["case_organisation_id"]
    return principal.role == "municipality" and principal.municipality == row["municipality"]


async def check_candidate(
    pool: asyncpg.Pool, principal: Principal | None, participant_id: UUID, action: str
) -> None:
    """A municipality sees only its own participants (404 otherwise); the read is audited."""
    async with pool.acquire() as conn, conn.transaction():
        row = await repo.fetch_candidate(conn, participant_id)
        if row is None:
            return
        if not _unscoped(principal) and principal and principal.municipality != row["municipality"]:
            raise not_found("candidate")
        await audit.record(conn, principal, action, [participant_id], ["candidate"])
