"""A workshop's or employer's placements: the list its staff work from.

An organisation's staff list the placements at their organisation and, at a central
workshop, at its satellite workshops (read only: only the placement's own organisation logs
hours on it or ends it). Each line carries the week asked for (each day's hours and
attendance), and once the placement has started the participant's support worker's contact
and a *placement receipt* (`shared/case_receipts.py`, the purpose matching's inbox uses)
with which intake's `POST /v1/participants/names` opens the given name, only when the
participant agreed to `employer_contact`. No line carries a name, an identity number or a
risk group.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, BeforeValidator

from services.caseplan.commands import today
from services.caseplan.domain import network
from services.caseplan.domain.placements import Placement
from services.caseplan.domain.refusal import Refusal
from services.caseplan.repository import network as stored
from shared import audit, case_receipts
from shared.auth import Allow, Principal
from shared.events.vocabulary import OpeningKind, PlacementOutcome
from shared.idempotent_route import IdempotentRoute
from shared.openapi_errors import refusals
from shared.runtime import PoolDep

router = APIRouter(prefix="/v1", tags=["caseplan"], route_class=IdempotentRoute)

Organisation = Annotated[Principal, Allow("workshop", "employer", "admin")]
"""The organisation's own staff (a workshop or an employer), or an admin."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only YYYY-MM-DD (pydantic alone would take '0' as a Unix time)."""
    if value is not None and not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        raise ValueError("not a date: use YYYY-MM-DD")
    return value


Day = Annotated[date | None, BeforeValidator(_iso_date)]


class PlacementDayOut(BaseModel):
    """One day of the week asked for: hours logged and attendance (None: not recorded)."""

    day: date
    hours: Decimal
    present: bool | None = None


class OrganisationPlacementOut(BaseModel):
    """A placement as its organisation (or its central workshop) sees it."""

    placement_id: UUID
    organisation_id: UUID
    participant_id: UUID
    opening_id: UUID | None
    opening_kind: OpeningKind | None
    starts_on: date
    hours_per_week: float
    status: Literal["active", "ended"]
    outcome: PlacementOutcome | None
    ended_on: date | None
    hours_logged: Decimal
    own: bool
    """The caller's organisation's own placement (it logs hours and ends it); else a
    satellite workshop's, read only."""
    started: bool
    support_worker_contact: str | None = None
    """Only once started: how to reach the participant's support worker."""
    placement_receipt: str | None = None
    """Only once started: show it to intake's `POST /v1/participants/names` for the given
    name (given when the participant agreed to employer contact)."""
    week: list[PlacementDayOut]


class OrganisationPlacementPage(BaseModel):
    """One page of placements, newest first; pass `next_before` as `before` for the next."""

    items: list[OrganisationPlacementOut]
    next_before: UUID | None


def _line(
    p: Placement,
    contact: str | None,
    reader: UUID,
    days: list[PlacementDayOut],
    receipt: str | None,
    now: date,
) -> OrganisationPlacementOut:
    began = network.started(p, now)
    return OrganisationPlacementOut(
        placement_id=p.placement_id, organisation_id=p.organisation_id,
        participant_id=p.participant_id, opening_id=p.opening_id, opening_kind=p.opening_kind,
        starts_on=p.starts_on, hours_per_week=p.hours_per_week, status=p.status.value,
        outcome=p.outcome, ended_on=p.ended_on, hours_logged=p.hours_logged,
        own=network.may_act(p, reader), started=began,
        support_worker_contact=contact if began else None,
        placement_receipt=receipt if began else None, week=days,
    )  # fmt: skip


@router.get(
    "/organisations/{organisation_id}/placements",
    responses=refusals({403: ["other_organisation"]}),
)
async def list_organisation_placements(
    organisation_id: UUID,
    request: Request,
    pool: PoolDep,
    principal: Organisation,
    status: Literal["active", "ended"] | None = None,
    week: Annotated[Day, Query(description="any day of the week to show (YYYY-MM-DD)")] = None,
    before: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrganisationPlacementPage:
    """The placements at the organisation and, for a central workshop, at its satellite
    workshops, newest first, a page at a time; each with the week holding `week` (default
    this week): its days' hours and attendance. Another organisation's staff are refused
    (403 `other_organisation`)."""
    if principal is not None and not principal.is_admin:
        if principal.organisation_id != organisation_id:
            raise Refusal("other_organisation", "list your own organisation's", status=403)
    now = today()
    days = network.week_from(week or now)
    async with pool.acquire() as conn:
        satellites = await stored.satellites_of(conn, organisation_id)
        found = await stored.placements_at(
            conn,
            network.readable(organisation_id, satellites),
            status=status,
            before=before,
            limit=limit,
        )
        ids = [p.placement_id for p, _ in found]
        hours, present = await stored.week_of_placements(conn, ids, days[0], days[-1])
        await audit.record(
            conn, principal, "placement.listed", [p.participant_id for p, _ in found]
        )
    secret = request.app.state.runtime.settings.id_hash_secret
    items = [
        _line(
            p,
            contact,
            organisation_id,
            [
                PlacementDayOut(
                    day=d,
                    hours=hours.get((p.placement_id, d), Decimal(0)),
                    present=present.get((p.placement_id, d)),
                )
                for d in days
            ],
            case_receipts.receipt(
                secret, p.participant_id, organisation_id, purpose=case_receipts.PLACEMENT
            ),
            now,
        )
        for p, contact in found
    ]
    full = len(items) == limit
    return OrganisationPlacementPage(
        items=items, next_before=items[-1].placement_id if full else None
    )
