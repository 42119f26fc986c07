"""Matching's HTTP API of organisations' own pages: organisations and openings listed, read
and edited, the webhook secret rotated, and an organisation's placements (with their ids)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query

from services.matching import access, organisations
from services.matching import repository as repo
from services.matching.api import MatchingDep, Provider
from services.matching.errors import not_found
from services.matching.network_schemas import (
    OpeningPage,
    OrganisationChange,
    OrganisationPage,
    PlacementPage,
    SecretOut,
)
from services.matching.openings import opening_body
from services.matching.repository import listings
from services.matching.schemas import OpeningOut, OrganisationOut
from shared import outbox
from shared.events import new_event
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep, RuntimeDep

router = APIRouter(prefix="/v1", tags=["matching"], route_class=IdempotentRoute)
Limit = Annotated[int, Query(ge=1, le=500)]


@router.get("/organisations")
async def list_organisations(
    pool: PoolDep, principal: Provider, after: UUID | None = None, limit: Limit = 50
) -> OrganisationPage:
    """The caller's organisation and, for a central workshop, its satellites (an admin:
    every organisation), a page at a time (pass `next_after` as `after`)."""
    reader = access.reader_of(principal)
    return await organisations.list_organisations(pool, reader=reader, after=after, limit=limit)


@router.get(
    "/organisations/{organisation_id}", responses=refusals({404: ["organisation_not_found"]})
)
async def get_organisation(
    organisation_id: UUID, pool: PoolDep, principal: Provider
) -> OrganisationOut:
    """One organisation (its own staff, its central workshop's, or an admin); no secret."""
    await access.check_reader(pool, principal, organisation_id)
    row = await repo.fetch_organisation(pool, organisation_id)
    if row is None:
        raise not_found("organisation")
    return organisations.organisation_out(row)


@router.patch(
    "/organisations/{organisation_id}",
    responses=refusals(
        {
            403: ["other_organisation", "admin_only"],
            404: ["organisation_not_found", "central_workshop_not_found"],
            422: [*organisations.CENTRAL, "unsafe_webhook_url", "field_required"],
        }
    ),
)
async def change_organisation(
    organisation_id: UUID,
    change: OrganisationChange,
    pool: PoolDep,
    ms: MatchingDep,
    principal: Provider,
) -> OrganisationOut:
    """Change an organisation's name, place, webhook URL (its secret stays: rotate it
    apart) or, as an admin, its central workshop; `organisation.updated` carries it."""
    access.check_organisation(principal, organisation_id)
    async with pool.acquire() as conn, conn.transaction():
        changed, event = await organisations.change_organisation(
            conn, organisation_id, change, by_admin=principal.is_admin, settings=ms
        )
        await outbox.record(conn, [new_event(event, producer="matching")])
    return changed


@router.post(
    "/organisations/{organisation_id}/webhook/rotate",
    responses=refusals({403: ["other_organisation"], 404: ["organisation_not_found"]}),
)
async def rotate_webhook_secret(
    organisation_id: UUID, pool: PoolDep, runtime: RuntimeDep, principal: Provider
) -> SecretOut:
    """A new webhook signing secret, shown in this answer only; the old one stops signing."""
    access.check_organisation(principal, organisation_id)
    async with pool.acquire() as conn:
        return await organisations.rotate_secret(
            conn, organisation_id, encryption_key=runtime.settings.encryption_key
        )


@router.get(
    "/organisations/{organisation_id}/placements",
    responses=refusals({404: ["organisation_not_found"]}),
)
async def organisation_placements(
    organisation_id: UUID,
    pool: PoolDep,
    principal: Provider,
    status: Literal["ongoing", "ended"] | None = None,
    after: UUID | None = None,
    limit: Limit = 50,
) -> PlacementPage:
    """The organisation's placements with their ids, openings and dates, a page at a time
    (its own staff, its central workshop's, or an admin); never who the participant is."""
    await access.check_reader(pool, principal, organisation_id)
    ended = None if status is None else status == "ended"
    return await organisations.list_placements(
        pool, organisation_id, ended=ended, after=after, limit=limit
    )


@router.get("/openings", responses=refusals({404: ["organisation_not_found"]}))
async def list_openings(
    pool: PoolDep,
    principal: Provider,
    organisation_id: UUID | None = None,
    status: Literal["open", "closed"] | None = None,
    after: UUID | None = None,
    limit: Limit = 50,
) -> OpeningPage:
    """The openings of the caller's organisation and, for a central workshop, of its
    satellites (an admin: all), or of one of those organisations, a page at a time."""
    if organisation_id is not None:
        await access.check_reader(pool, principal, organisation_id)
    rows = await listings.openings_page(
        pool,
        reader=access.reader_of(principal),
        organisation_id=organisation_id,
        status=status,
        after=after,
        limit=limit,
    )
    items = [
        OpeningOut(
            **opening_body(r).model_dump(),
            opening_id=r["opening_id"],
            status=r["status"],
            seats_taken=r["accepted"],
        )
        for r in rows
    ]
    next_after = items[-1].opening_id if len(items) == limit else None
    return OpeningPage(items=items, next_after=next_after)
