"""Service agreements over HTTP: which organisations serve which municipality.

The municipality sets them (its own only) or an admin does; a support organisation reads its
own. Creating and ending one is written to the audit log.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import asyncpg
from fastapi import APIRouter, status

from services.caseplan import service_agreements
from services.caseplan.commands import read, run, today
from services.caseplan.domain.agreements import ServiceAgreement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import agreements
from services.caseplan.schemas import ServiceAgreementIn, ServiceAgreementOut
from shared.auth import Allow, Principal
from shared.events.envelope import Payload
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

Setter = Annotated[Principal, Allow("municipality", "admin")]
"""The municipality (for itself) or an admin."""
Reader = Annotated[Principal, Allow("municipality", "support_worker", "admin")]
"""Also the support organisation, which sees its own agreements."""


def _out(a: ServiceAgreement) -> ServiceAgreementOut:
    return ServiceAgreementOut(
        agreement_id=a.agreement_id, organisation_id=a.organisation_id,
        municipality=a.municipality, created_at=a.created_at, ended_at=a.ended_at, live=a.live,
    )  # fmt: skip


def _check_municipality(principal: Principal | None, municipality: str) -> None:
    """A municipality's key sets agreements for its own municipality only."""
    if principal is None or principal.is_admin:
        return
    if principal.municipality != municipality:
        raise Refusal(
            "other_municipality", "a municipality sets only its own service agreements",
            status=403, field="municipality",
        )  # fmt: skip


@router.post(
    "/service-agreements",
    status_code=status.HTTP_201_CREATED,
    responses=refusals({403: ["other_municipality"], 409: ["agreement_exists"]}),
)
async def create_service_agreement(
    body: ServiceAgreementIn, pool: PoolDep, principal: Setter
) -> ServiceAgreementOut:
    """Agree that an organisation serves the municipality; its workers may then be created
    for it, and waiting participants there they can serve are assigned at once."""
    _check_municipality(principal, body.municipality)

    async def use_case(conn: asyncpg.Connection) -> tuple[ServiceAgreement, list[Payload]]:
        return await service_agreements.create_agreement(
            conn, principal, organisation_id=body.organisation_id,
            municipality=body.municipality, today=today(),
        )  # fmt: skip

    return _out(await run(pool, use_case))


@router.get("/service-agreements")
async def list_service_agreements(
    pool: PoolDep, principal: Reader, live: bool = False
) -> list[ServiceAgreementOut]:
    """The agreements the caller may see (its municipality's, or its organisation's), oldest
    first; `live=true` leaves out ended ones."""
    municipality = organisation = None
    if principal is not None and principal.role == "municipality":
        municipality = principal.municipality or ""
    elif principal is not None and principal.role == "support_worker":
        organisation = principal.organisation_id
    found = await read(
        pool,
        lambda conn: agreements.agreements(
            conn, municipality=municipality, organisation_id=organisation, live_only=live
        ),
    )
    return [_out(a) for a in found]


@router.post(
    "/service-agreements/{agreement_id}/end",
    responses=refusals(
        {403: ["other_municipality"], 404: ["agreement_not_found"], 409: ["agreement_ended"]}
    ),
)
async def end_service_agreement(
    agreement_id: UUID, pool: PoolDep, principal: Setter
) -> ServiceAgreementOut:
    """End an agreement: the organisation's workers take no new cases in the municipality."""
    found = await read(pool, lambda conn: agreements.agreement(conn, agreement_id))
    if found is None or not _may_set(principal, found.municipality):
        raise Refusal("agreement_not_found", "no such service agreement", status=404)

    async def use_case(conn: asyncpg.Connection) -> tuple[ServiceAgreement, list[Payload]]:
        return await service_agreements.end(conn, principal, found), []

    return _out(await run(pool, use_case))


def _may_set(principal: Principal | None, municipality: str) -> bool:
    return principal is None or principal.is_admin or principal.municipality == municipality
