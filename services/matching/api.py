"""Matching's HTTP API: organisations, openings, proposals and the answers to them."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request

from services.matching import service
from services.matching.organisations import CENTRAL
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
from shared.auth import Allow, Principal
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


@router.get("/candidates/{participant_id}", responses=refusals({404: ["candidate_not_found"]}))
async def get_candidate(
    participant_id: UUID, pool: PoolDep, principal: Municipal
) -> dict[str, Any]:
    """Whether a participant is in the candidate pool, and whether they are ready."""
    return await service.candidate(pool, participant_id, principal=principal)


@router.post(
    "/organisations",
    status_code=201,
    responses=refusals(
        {404: ["central_workshop_not_found"], 422: [*CENTRAL, "unsafe_webhook_url"]}
    ),
)
async def create_organisation(
    body: OrganisationIn, pool: PoolDep, runtime: RuntimeDep, ms: MatchingDep, _: Admin
) -> OrganisationOut:
    """Register an organisation; the answer shows its webhook signing secret, once."""
    return await service.create_organisation(
        pool, body, settings=ms, encryption_key=runtime.settings.encryption_key
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
    return await service.set_webhook(
        pool,
        organisation_id,
        body.webhook_url,
        principal=principal,
        settings=ms,
        encryption_key=runtime.settings.encryption_key,
    )


@router.get(
    "/organisations/{organisation_id}/matches",
    responses=refusals({403: ["other_organisation"], 404: ["organisation_not_found"]}),
)
async def organisation_matches(
    organisation_id: UUID,
    pool: PoolDep,
    runtime: RuntimeDep,
    principal: Provider,
    status: list[Status] | None = Query(None),
    after: UUID | None = Query(None),
    limit: int | None = Query(None, ge=1, le=500),
) -> list[OrganisationMatchOut]:
    """An organisation's inbox: its proposals in the minimal form it may see; an accepted one
    also with the participant's id and a placement receipt (intake's given name, by consent).
    Best first. `status` may be given more than once (any of them). Paging: with `limit`, at
    most that many; pass the last one's `match_id` as `after` for the next page (a page
    shorter than `limit` is the last; an `after` that is not this organisation's: nothing)."""
    return await service.organisation_matches(
        pool, organisation_id, principal=principal, statuses=list(status) if status else None,
        secret=runtime.settings.id_hash_secret, after=after, limit=limit,
    )  # fmt: skip


@router.post(
    "/openings",
    status_code=201,
    responses=refusals(
        {403: ["other_organisation"], 404: ["organisation_not_found", "opening_not_found"]}
    ),
)
async def post_opening(body: OpeningIn, pool: PoolDep, principal: Provider) -> OpeningOut:
    """Post an opening; proposals for its seats follow from `opening.posted`."""
    return await service.post_opening(pool, body, principal=principal)


@router.get("/openings/{opening_id}", responses=refusals({404: ["opening_not_found"]}))
async def get_opening(opening_id: UUID, pool: PoolDep, principal: Provider) -> OpeningOut:
    """One opening and how many of its seats are taken."""
    return await service.opening(pool, opening_id, principal=principal)


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
    return await service.change_opening(pool, opening_id, change, principal=principal)


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
    groups = await service.set_programme(pool, opening_id, [g.value for g in body.groups])
    return ProgrammeOut(opening_id=opening_id, groups=groups)


@router.post(
    "/openings/{opening_id}/close",
    responses=refusals({404: ["opening_not_found"], 409: ["opening_closed"]}),
)
async def close_opening(opening_id: UUID, pool: PoolDep, principal: Provider) -> OpeningOut:
    """Close an opening; its live proposals are withdrawn."""
    return await service.close_opening(pool, opening_id, principal=principal)


@router.get("/openings/{opening_id}/candidates", responses=refusals({404: ["opening_not_found"]}))
async def opening_candidates(
    opening_id: UUID, pool: PoolDep, _: Admin, status: Status | None = Query(None)
) -> list[MatchOut]:
    """The participants proposed for an opening, best first, with explanations (admin)."""
    return await service.opening_candidates(pool, opening_id, status=status)


@router.get(
    "/participants/{participant_id}/matches",
    responses=refusals({404: ["candidate_not_found"]}),
)
async def participant_matches(
    participant_id: UUID, pool: PoolDep, principal: Municipal, status: Status | None = Query(None)
) -> list[MatchOut]:
    """The openings proposed to a participant, best first, with explanations."""
    return await service.participant_matches(
        pool, participant_id, principal=principal, status=status
    )


@router.get("/matches/{match_id}", responses=refusals({404: ["match_not_found"]}))
async def get_match(match_id: UUID, pool: PoolDep, _: Admin) -> MatchOut:
    """One match with its explanation (the full view: admin)."""
    return await service.match(pool, match_id)


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
    body = body or AcceptIn()
    return await service.accept_match(
        pool,
        match_id,
        principal=principal,
        starts_on=body.starts_on,
        hours_per_week=body.hours_per_week,
    )


@router.post(
    "/matches/{match_id}/decline",
    responses=refusals({404: ["match_not_found"], 409: NOT_LIVE}),
)
async def decline_match(
    match_id: UUID, body: DeclineIn, pool: PoolDep, principal: Provider
) -> MatchOut:
    """The organisation declines, with a reason; the next candidate is proposed."""
    return await service.decline_match(
        pool, match_id, principal=principal, code=body.code, reason=body.reason
    )


@router.get(
    "/participants/{participant_id}/export",
    responses=refusals({404: ["candidate_not_found"]}),
)
async def export_participant(
    participant_id: UUID, pool: PoolDep, principal: Municipal
) -> dict[str, Any]:
    """What matching holds about the participant, for a subject access request (GDPR art. 15)."""
    return await service.export_participant(pool, participant_id, principal=principal)
