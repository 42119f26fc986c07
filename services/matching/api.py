"""Matching's HTTP API: organisations, openings, proposals and the answers to them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import asyncpg
from fastapi import APIRouter, Depends, Query, Request
from fastapi.encoders import jsonable_encoder

from services.matching import access, decisions, openings
from services.matching import repository as repo
from services.matching.errors import not_found
from services.matching.schemas import (
    AcceptIn,
    DeclineIn,
    MatchOut,
    OpeningChange,
    OpeningIn,
    OpeningOut,
    OrganisationIn,
    OrganisationMatchOut,
    OrganisationOut,
    ProgrammeIn,
    ProgrammeOut,
    WebhookIn,
    WebhookOut,
)
from services.matching.settings import MatchingSettings
from services.matching.views import organisation_view, profile_of
from shared import audit, history, outbox
from shared.auth import Allow, Principal
from shared.events import new_event
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["matching"], route_class=IdempotentRoute)
Status = Literal["proposed", "accepted", "declined", "expired", "withdrawn"]
NOT_LIVE = ["match_accepted", "match_declined", "match_expired", "match_withdrawn"]
"""The 409 reasons of a decision on a match that is no longer proposed."""

Admin = Annotated[Principal, Allow("admin")]
"""The network's administrators: organisations, and the full view of matches."""
Provider = Annotated[Principal, Allow("workshop", "employer", "admin")]
"""A workshop or employer (its own openings and matches only), or an admin."""
Municipal = Annotated[Principal, Allow("municipality", "admin")]
Network = Annotated[Principal, Allow("support_worker", "operator", "admin")]
"""The network: a support organisation or the operator (never the opening's organisation)."""
"""The participant's municipality, or an admin."""


async def get_matching_settings(request: Request) -> MatchingSettings:
    """FastAPI dependency: matching's own settings."""
    return request.app.state.matching_settings  # type: ignore[no-any-return]


MatchingDep = Annotated[MatchingSettings, Depends(get_matching_settings)]


async def _record(conn: asyncpg.Connection, payload: Payload) -> None:
    await outbox.record(conn, [new_event(payload, producer="matching")])


@router.get("/candidates/{participant_id}", responses=refusals({404: ["candidate_not_found"]}))
async def get_candidate(
    participant_id: UUID, pool: PoolDep, principal: Municipal
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


@router.post("/organisations", status_code=201, responses=refusals({422: ["unsafe_webhook_url"]}))
async def create_organisation(
    body: OrganisationIn, pool: PoolDep, runtime: RuntimeDep, ms: MatchingDep, _: Admin
) -> OrganisationOut:
    """Register an organisation; the answer shows its webhook signing secret, once."""
    async with pool.acquire() as conn:
        return await openings.create_organisation(
            conn, body, settings=ms, encryption_key=runtime.settings.encryption_key
        )


@router.put(
    "/organisations/{organisation_id}/webhook",
    responses=refusals(
        {403: ["other_organisation"], 404: ["organisation_not_found"], 422: ["unsafe_webhook_url"]}
    ),
)
async def set_webhook(
    organisation_id: UUID,
    body: WebhookIn,
    pool: PoolDep,
    runtime: RuntimeDep,
    ms: MatchingDep,
    principal: Provider,
) -> WebhookOut:
    """Move the webhook to a new URL (a new signing secret, shown once) or turn it off
    (`null`: undelivered notifications are dropped; the inbox keeps every proposal)."""
    access.check_organisation(principal, organisation_id)
    async with pool.acquire() as conn:
        return await openings.set_webhook(
            conn,
            organisation_id,
            body.webhook_url,
            settings=ms,
            encryption_key=runtime.settings.encryption_key,
        )


@router.get(
    "/organisations/{organisation_id}/matches",
    responses=refusals({403: ["other_organisation"], 404: ["organisation_not_found"]}),
)
async def organisation_matches(
    organisation_id: UUID, pool: PoolDep, principal: Provider, status: Status | None = Query(None)
) -> list[OrganisationMatchOut]:
    """An organisation's inbox: its proposals in the minimal form it may see."""
    await access.check_organisation_exists(pool, principal, organisation_id)
    if await repo.fetch_organisation(pool, organisation_id) is None:
        raise not_found("organisation")
    rows = await repo.list_matches(
        pool, column="organisation_id", value=organisation_id, status=status
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
            | {"proposed_at": r["proposed_at"]}
        )
        for r in rows
    ]


@router.post(
    "/openings",
    status_code=201,
    responses=refusals(
        {403: ["other_organisation"], 404: ["organisation_not_found", "opening_not_found"]}
    ),
)
async def post_opening(body: OpeningIn, pool: PoolDep, principal: Provider) -> OpeningOut:
    """Post an opening; proposals for its seats follow from `opening.posted`."""
    access.check_organisation(principal, body.organisation_id)
    async with pool.acquire() as conn, conn.transaction():
        opening_id, posted = await openings.post_opening(conn, body, by_network=_network(principal))
        await _record(conn, posted)
    return await _opening(opening_id, pool)


@router.get("/openings/{opening_id}", responses=refusals({404: ["opening_not_found"]}))
async def get_opening(opening_id: UUID, pool: PoolDep, principal: Provider) -> OpeningOut:
    """One opening and how many of its seats are taken."""
    await access.check_opening(pool, principal, opening_id)
    return await _opening(opening_id, pool)


async def _opening(opening_id: UUID, pool: asyncpg.Pool) -> OpeningOut:
    row = await repo.fetch_opening(pool, opening_id)
    if row is None:
        raise not_found("opening")
    body = openings.opening_body(row).model_dump()
    return OpeningOut(
        **body, opening_id=opening_id, status=row["status"], seats_taken=row["accepted"]
    )


@router.patch(
    "/openings/{opening_id}",
    responses=refusals(
        {404: ["opening_not_found"], 409: ["opening_closed", "seats_below_accepted"]}
    ),
)
async def change_opening(
    opening_id: UUID, change: OpeningChange, pool: PoolDep, principal: Provider
) -> OpeningOut:
    """Change an opening's fields; `opening.updated` carries its new state."""
    await access.check_opening(pool, principal, opening_id)
    async with pool.acquire() as conn, conn.transaction():
        changed = await openings.change_opening(
            conn, opening_id, change, by_network=_network(principal)
        )
        await _record(conn, changed)
    return await _opening(opening_id, pool)


def _network(principal: Principal | None) -> bool:
    """The caller speaks for the network (an admin, or no HTTP caller), not an organisation."""
    return principal is None or principal.is_admin


@router.put(
    "/openings/{opening_id}/programme",
    responses=refusals({404: ["opening_not_found"], 409: ["opening_closed"]}),
)
async def set_programme(
    opening_id: UUID, body: ProgrammeIn, pool: PoolDep, _: Network
) -> ProgrammeOut:
    """Aim the opening at a network programme's groups (special categories allowed): only
    participants in one of them who did not refuse special-category processing are proposed.
    The opening's organisation never sees the programme or why someone was proposed."""
    async with pool.acquire() as conn, conn.transaction():
        aimed_at = [g.value for g in body.groups]
        groups, updated = await openings.set_programme(conn, opening_id, aimed_at)
        await _record(conn, updated)
    return ProgrammeOut(opening_id=opening_id, groups=groups)


@router.post(
    "/openings/{opening_id}/close",
    responses=refusals({404: ["opening_not_found"], 409: ["opening_closed"]}),
)
async def close_opening(opening_id: UUID, pool: PoolDep, principal: Provider) -> OpeningOut:
    """Close an opening; its live proposals are withdrawn."""
    await access.check_opening(pool, principal, opening_id)
    async with pool.acquire() as conn, conn.transaction():
        await _record(conn, await openings.close_opening(conn, opening_id))
    return await _opening(opening_id, pool)


@router.get("/openings/{opening_id}/candidates", responses=refusals({404: ["opening_not_found"]}))
async def opening_candidates(
    opening_id: UUID, pool: PoolDep, _: Admin, status: Status | None = Query(None)
) -> list[MatchOut]:
    """The participants proposed for an opening, best first, with explanations (admin)."""
    if await repo.fetch_opening(pool, opening_id) is None:
        raise not_found("opening")
    rows = await repo.list_matches(pool, column="opening_id", value=opening_id, status=status)
    return [MatchOut.model_validate(_match(r)) for r in rows]


@router.get(
    "/participants/{participant_id}/matches",
    responses=refusals({404: ["candidate_not_found"]}),
)
async def participant_matches(
    participant_id: UUID, pool: PoolDep, principal: Municipal, status: Status | None = Query(None)
) -> list[MatchOut]:
    """The openings proposed to a participant, best first, with explanations."""
    await access.check_candidate(pool, principal, participant_id, "matches.read")
    rows = await repo.list_matches(
        pool, column="participant_id", value=participant_id, status=status
    )
    return [MatchOut.model_validate(_match(r)) for r in rows]


@router.get("/matches/{match_id}", responses=refusals({404: ["match_not_found"]}))
async def get_match(match_id: UUID, pool: PoolDep, _: Admin) -> MatchOut:
    """One match with its explanation (the full view: admin)."""
    return await _match_out(match_id, pool)


async def _match_out(match_id: UUID, pool: asyncpg.Pool) -> MatchOut:
    row = await repo.fetch_match(pool, match_id)
    if row is None:
        raise not_found("match")
    return MatchOut.model_validate(_match(row))


@router.post(
    "/matches/{match_id}/accept",
    responses=refusals(
        {
            404: ["match_not_found"],
            409: [*NOT_LIVE, "opening_closed", "no_seats_left"],
            422: [
                "starts_on_required",
                "starts_in_future",
                "starts_before_floor",
                "starts_before_registration",
            ],
        }
    ),
)
async def accept_match(
    match_id: UUID, pool: PoolDep, principal: Provider, body: AcceptIn | None = None
) -> MatchOut:
    """The organisation accepts: `match.accepted` starts a placement in caseplan. A key with
    the `history` scope imports a past placement: `starts_on` between 2000-01-01 and today,
    not before the registration; audited as imported."""
    await access.check_match(pool, principal, match_id)
    body = body or AcceptIn()
    imported = history.may_import(principal)
    async with pool.acquire() as conn, conn.transaction():
        accepted = await decisions.accept(
            conn,
            match_id,
            starts_on=body.starts_on,
            hours_per_week=body.hours_per_week,
            imported_by=datetime.now(UTC).date() if imported else None,
        )
        await _record(conn, accepted)
        if imported:
            await audit.record(
                conn, principal, "match.accepted", [accepted.participant_id], imported=True
            )
    return await _match_out(match_id, pool)


@router.post(
    "/matches/{match_id}/decline",
    responses=refusals({404: ["match_not_found"], 409: NOT_LIVE}),
)
async def decline_match(
    match_id: UUID, body: DeclineIn, pool: PoolDep, principal: Provider
) -> MatchOut:
    """The organisation declines, with a reason; the next candidate is proposed."""
    await access.check_match(pool, principal, match_id)
    async with pool.acquire() as conn, conn.transaction():
        await _record(conn, await decisions.decline(conn, match_id, reason=body.reason))
    return await _match_out(match_id, pool)


@router.get(
    "/participants/{participant_id}/export",
    responses=refusals({404: ["candidate_not_found"]}),
)
async def export_participant(
    participant_id: UUID, pool: PoolDep, principal: Municipal
) -> dict[str, Any]:
    """What matching holds about the participant, for a subject access request (GDPR art. 15)."""
    await access.check_candidate(pool, principal, participant_id, "exported")
    row = await repo.fetch_candidate(pool, participant_id)
    if row is None:
        raise not_found("candidate")
    matches = await repo.list_matches(
        pool, column="participant_id", value=participant_id, status=None
    )
    candidate = {k: v for k, v in dict(row).items() if not isinstance(v, bytes | memoryview)}
    return {
        "candidate": jsonable_encoder(candidate),
        "matches": [MatchOut.model_validate(_match(r)).model_dump(mode="json") for r in matches],
    }


def _match(row: Any) -> dict[str, Any]:
    import json

    data = dict(row)
    data["explanation"] = json.loads(data["explanation"])
    return data
