"""Matching's use cases: what the API, the event handlers and the jobs ask of matching.

The API's use cases take the pool, check the caller's scope, run their own transaction and
record the events in it (outbox). The event handlers' run in the consumer's transaction and
return the events to follow. The rules behind them live in `openings.py` (organisations and
openings), `decisions.py` (answers to proposals), `pool.py` (the candidate pool) and
`proposals.py` (making proposals); only the repository holds SQL.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import asyncpg
from fastapi.encoders import jsonable_encoder

from services.matching import access, decisions, openings
from services.matching import repository as repo
from services.matching.catalog import OpeningCatalog
from services.matching.decisions import after_accepted, after_closed, after_freed
from services.matching.errors import not_found
from services.matching.organisations import registered_event
from services.matching.pool import (
    erase_candidate as _erase_from_pool,
)
from services.matching.pool import (
    make_ready,
    register_candidates,
    remove_candidate,
    retire_candidate,
    update_candidate,
    withdraw_consent,
)
from services.matching.proposals import propose_for_opening
from services.matching.repository import erasure as erasure_sql
from services.matching.schemas import (
    MatchOut,
    OpeningChange,
    OpeningIn,
    OpeningOut,
    OrganisationIn,
    OrganisationMatchOut,
    OrganisationOut,
    WebhookOut,
)
from services.matching.settings import MatchingSettings
from services.matching.views import factor_values, organisation_view, profile_of
from services.matching.withdrawals import after_opening_changed
from shared import audit, case_receipts, erasure, history, outbox
from shared.auth import Principal
from shared.events import Envelope, new_event
from shared.events.envelope import Payload
from shared.events.vocabulary import DeclineCode

PRODUCER = "matching"

__all__ = [  # the event handlers' use cases, kept where their rules are
    "after_accepted",
    "after_closed",
    "after_freed",
    "after_opening_changed",
    "make_ready",
    "propose_for_opening",
    "register_candidates",
    "remove_candidate",
    "retire_candidate",
    "update_candidate",
    "withdraw_consent",
]


async def _record(conn: asyncpg.Connection, *payloads: Payload) -> None:
    await outbox.record(conn, [new_event(p, producer=PRODUCER) for p in payloads])


def _network(principal: Principal | None) -> bool:
    """The caller speaks for the network (an admin, or no HTTP caller), not an organisation."""
    return principal is None or principal.is_admin


# -- candidates ---------------------------------------------------------------------------
async def candidate(
    pool: asyncpg.Pool, participant_id: UUID, *, principal: Principal | None
) -> dict[str, Any]:
    """Whether a participant is in the candidate pool, and whether they are ready."""
    await access.check_candidate(pool, principal, participant_id, "candidate.read")
    row = await repo.fetch_candidate(pool, participant_id)
    if row is None:
        raise not_found("candidate")
    return {
        "participant_id": str(row["participant_id"]),
        "municipality": row["municipality"],
        "ready": row["ready_at"] is not None and row["placed_at"] is None,
        "languages": list(row["languages"]),
        "skills": list(row["skills"]),
    }


async def export_participant(
    pool: asyncpg.Pool, participant_id: UUID, *, principal: Principal | None
) -> dict[str, Any]:
    """What matching holds about the participant (a subject access request)."""
    await access.check_candidate(pool, principal, participant_id, "exported")
    row = await repo.fetch_candidate(pool, participant_id)
    if row is None:
        raise not_found("candidate")
    matches = await repo.list_matches(
        pool, column="participant_id", value=participant_id, status=None
    )
    held = {k: v for k, v in dict(row).items() if not isinstance(v, bytes | memoryview)}
    return {
        "candidate": jsonable_encoder(held),
        "matches": [_match(r).model_dump(mode="json") for r in matches],
    }


async def erase_candidate(
    conn: asyncpg.Connection,
    event: Envelope[Any],
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[Envelope[Any]]:
    """For good: out of the pool (a tombstone), matches cut from them, their events forgotten;
    returns the events that follow the erasure."""
    pid, at = event.payload.participant_id, event.occurred_at
    erased = await _erase_from_pool(conn, pid, at=at, catalog=catalog, settings=settings, now=now)
    await erasure_sql.anonymise_matches(conn, pid)
    followed = [event.follow(p, producer=PRODUCER) for p in erased if isinstance(p, Payload)]
    await erasure.forget_events(conn, pid, also=followed)
    return followed


# -- organisations and openings ------------------------------------------------------------
async def create_organisation(
    pool: asyncpg.Pool, body: OrganisationIn, *, settings: MatchingSettings, encryption_key: str
) -> OrganisationOut:
    """Register an organisation (a satellite workshop may name its `central_workshop_id`);
    the answer shows its webhook signing secret, once."""
    async with pool.acquire() as conn, conn.transaction():
        created = await openings.create_organisation(
            conn, body, settings=settings, encryption_key=encryption_key
        )
        await outbox.record(conn, [new_event(registered_event(created), producer=PRODUCER)])
    return created


async def set_webhook(
    pool: asyncpg.Pool,
    organisation_id: UUID,
    url: str | None,
    *,
    principal: Principal | None,
    settings: MatchingSettings,
    encryption_key: str,
) -> WebhookOut:
    """Move an organisation's webhook to a new URL (a new secret, shown once) or turn it off."""
    access.check_organisation(principal, organisation_id)
    async with pool.acquire() as conn:
        return await openings.set_webhook(
            conn, organisation_id, url, settings=settings, encryption_key=encryption_key
        )


async def organisation_matches(
    pool: asyncpg.Pool,
    organisation_id: UUID,
    *,
    principal: Principal | None,
    statuses: list[str] | None,
    secret: str,
    after: UUID | None = None,
    limit: int | None = None,
) -> list[OrganisationMatchOut]:
    """An organisation's inbox: its proposals in the minimal form it may see (an accepted one
    with the participant's id and a placement receipt for the given name, `secret` keying it),
    of some statuses (None: all), a page at a time when `limit` is given."""
    await access.check_organisation_exists(pool, principal, organisation_id)
    if await repo.fetch_organisation(pool, organisation_id) is None:
        raise not_found("organisation")
    rows = await repo.organisation_matches_page(
        pool, organisation_id, statuses=statuses, after=after, limit=limit
    )
    return [
        OrganisationMatchOut.model_validate(
            organisation_view(
                match_id=r["match_id"],
                opening_id=r["opening_id"],
                opening_title=r["opening_title"],
                status=r["status"],
                score=r["score"],
                explanation=r["explanation"],
                profile=profile_of(r) if r["profile"] else None,
                contact=r["support_worker_contact"],
            )
            | {
                "proposed_at": r["proposed_at"],
                "factors": factor_values(r["explanation"]),
                "decline_code": r["decline_code"],
                "reason": r["reason"],
                "decided_at": r["decided_at"],
            }
            | _placed(r, organisation_id, secret)
        )
        for r in rows
    ]


def _placed(row: Any, organisation_id: UUID, secret: str) -> dict[str, Any]:
    if row["status"] != "accepted":
        return {}
    receipt = case_receipts.receipt(
        secret, row["participant_id"], organisation_id, purpose=case_receipts.PLACEMENT
    )
    return {"participant_id": row["participant_id"], "placement_receipt": receipt}


async def post_opening(
    pool: asyncpg.Pool, body: OpeningIn, *, principal: Principal | None
) -> OpeningOut:
    """Post an opening; proposals for its seats follow from `opening.posted`."""
    access.check_organisation(principal, body.organisation_id)
    async with pool.acquire() as conn, conn.transaction():
        opening_id, posted = await openings.post_opening(conn, body, by_network=_network(principal))
        await _record(conn, posted)
    return await _opening(pool, opening_id)


async def opening(
    pool: asyncpg.Pool, opening_id: UUID, *, principal: Principal | None
) -> OpeningOut:
    """One opening and how many of its seats are taken (the caller's own, its central
    workshop's reading, or any: admin)."""
    await access.check_opening(pool, principal, opening_id, read=True)
    return await _opening(pool, opening_id)


async def _opening(pool: asyncpg.Pool, opening_id: UUID) -> OpeningOut:
    row = await repo.fetch_opening(pool, opening_id)
    if row is None:
        raise not_found("opening")
    body = openings.opening_body(row).model_dump()
    return OpeningOut(
        **body, opening_id=opening_id, status=row["status"], seats_taken=row["accepted"]
    )


async def change_opening(
    pool: asyncpg.Pool, opening_id: UUID, change: OpeningChange, *, principal: Principal | None
) -> OpeningOut:
    """Change an opening's fields; `opening.updated` carries its new state."""
    await access.check_opening(pool, principal, opening_id)
    async with pool.acquire() as conn, conn.transaction():
        changed = await openings.change_opening(
            conn, opening_id, change, by_network=_network(principal)
        )
        await _record(conn, changed)
    return await _opening(pool, opening_id)


async def set_programme(pool: asyncpg.Pool, opening_id: UUID, groups: list[str]) -> list[str]:
    """Aim the opening at a network programme's groups; returns the groups it is aimed at."""
    async with pool.acquire() as conn, conn.transaction():
        aimed, updated = await openings.set_programme(conn, opening_id, groups)
        await _record(conn, updated)
    return aimed


async def close_opening(
    pool: asyncpg.Pool, opening_id: UUID, *, principal: Principal | None
) -> OpeningOut:
    """Close an opening; `opening.closed` withdraws its live proposals."""
    await access.check_opening(pool, principal, opening_id)
    async with pool.acquire() as conn, conn.transaction():
        await _record(conn, await openings.close_opening(conn, opening_id))
    return await _opening(pool, opening_id)


# -- matches -------------------------------------------------------------------------------
def _match(row: Any) -> MatchOut:
    data = dict(row)
    data["explanation"] = json.loads(data["explanation"])
    return MatchOut.model_validate(data)


async def opening_candidates(
    pool: asyncpg.Pool, opening_id: UUID, *, status: str | None
) -> list[MatchOut]:
    """The participants proposed for an opening, best first, with explanations."""
    if await repo.fetch_opening(pool, opening_id) is None:
        raise not_found("opening")
    rows = await repo.list_matches(pool, column="opening_id", value=opening_id, status=status)
    return [_match(r) for r in rows]


async def participant_matches(
    pool: asyncpg.Pool, participant_id: UUID, *, principal: Principal | None, status: str | None
) -> list[MatchOut]:
    """The openings proposed to a participant, best first, with explanations."""
    await access.check_candidate(pool, principal, participant_id, "matches.read")
    rows = await repo.list_matches(
        pool, column="participant_id", value=participant_id, status=status
    )
    return [_match(r) for r in rows]


async def match(pool: asyncpg.Pool, match_id: UUID) -> MatchOut:
    """One match with its explanation (the full view)."""
    row = await repo.fetch_match(pool, match_id)
    if row is None:
        raise not_found("match")
    return _match(row)


async def accept_match(
    pool: asyncpg.Pool,
    match_id: UUID,
    *,
    principal: Principal | None,
    starts_on: date | None,
    hours_per_week: float | None,
) -> MatchOut:
    """The organisation accepts: `match.accepted` starts a placement in caseplan; a history
    import's (`history` scope) placement starts on its past day, audited as imported."""
    await access.check_match(pool, principal, match_id)
    imported = history.may_import(principal)
    async with pool.acquire() as conn, conn.transaction():
        accepted = await decisions.accept(
            conn,
            match_id,
            starts_on=starts_on,
            hours_per_week=hours_per_week,
            imported_by=datetime.now(UTC).date() if imported else None,
        )
        await _record(conn, accepted)
        if imported:
            await audit.record(
                conn, principal, "match.accepted", [accepted.participant_id], imported=True
            )
    return await match(pool, match_id)


async def decline_match(
    pool: asyncpg.Pool,
    match_id: UUID,
    *,
    principal: Principal | None,
    code: DeclineCode,
    reason: str | None,
) -> MatchOut:
    """The organisation declines, with a reason's code (and words); the next candidate is
    proposed."""
    await access.check_match(pool, principal, match_id)
    async with pool.acquire() as conn, conn.transaction():
        declined = await decisions.decline(conn, match_id, code=code, reason=reason)
        await _record(conn, declined)
    return await match(pool, match_id)


async def expire_due(pool: asyncpg.Pool, *, settings: MatchingSettings) -> int:
    """Expire due proposals and record `match.expired` for each, in one transaction."""
    async with pool.acquire() as conn, conn.transaction():
        expired = await decisions.expire_due(conn, settings=settings)
        await _record(conn, *expired)
    return len(expired)
