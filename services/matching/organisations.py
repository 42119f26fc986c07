"""Use cases of organisations after their registration: read, list, edit (webhook URL and
central workshop included), rotate the webhook secret; and their placements."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg

from services.matching.domain.network import Member, central_refusal
from services.matching.errors import MatchingError, not_found
from services.matching.network_schemas import (
    OrganisationChange,
    OrganisationPage,
    PlacementOut,
    PlacementPage,
    SecretOut,
)
from services.matching.repository import listings, webhook_deliveries
from services.matching.repository import organisations as org_sql
from services.matching.repository import placements as placement_sql
from services.matching.schemas import OrganisationOut
from services.matching.settings import MatchingSettings
from services.matching.webhooks import encrypt_secret, new_secret, unsafe_url_reason
from shared.events.caseplan import PlacementEnded, PlacementStarted
from shared.events.matching import OrganisationFields, OrganisationRegistered, OrganisationUpdated

CENTRAL = ["not_a_satellite", "not_a_central_workshop", "central_cycle"]
"""The 422 reasons of a central workshop an organisation may not belong to."""


def organisation_out(row: asyncpg.Record) -> OrganisationOut:
    """A stored organisation as the API shows it (never its secret)."""
    location = {"lat": row["lat"], "lon": row["lon"]} if row["lat"] is not None else None
    return OrganisationOut.model_validate(
        {
            "organisation_id": row["organisation_id"],
            "name": row["name"],
            "kind": row["kind"],
            "municipality": row["municipality"],
            "location": location,
            "webhook_url": row["webhook_url"],
            "central_workshop_id": row["central_workshop_id"],
        }
    )


def organisation_event(
    row: asyncpg.Record | dict[str, Any], event: type[OrganisationFields] = OrganisationUpdated
) -> OrganisationFields:
    """`organisation.registered` or `.updated`: the organisation's state, with its central
    workshop (reporting groups figures by it)."""
    fields = ("organisation_id", "name", "kind", "municipality", "central_workshop_id")
    return event(**{k: row[k] for k in fields})


def registered_event(out: OrganisationOut) -> OrganisationRegistered:
    """The event of a newly registered organisation."""
    event = organisation_event(out.model_dump(), OrganisationRegistered)
    assert isinstance(event, OrganisationRegistered)
    return event


async def check_central(
    conn: asyncpg.Connection, organisation: Member, central_id: UUID | None
) -> None:
    """Refuse a central workshop the organisation may not belong to (404 if unknown)."""
    if central_id is None:
        return
    found = await org_sql.network_of(conn, central_id)
    if found is None:
        raise MatchingError(404, "central_workshop_not_found", "no such central workshop")
    central = Member(found["organisation_id"], found["kind"], found["central_workshop_id"])
    has_satellites = await org_sql.has_satellites(conn, organisation.organisation_id)
    refused = central_refusal(organisation, central, has_satellites=has_satellites)
    if refused:
        raise MatchingError(422, *refused)


async def list_organisations(
    pool: asyncpg.Pool, *, reader: UUID | None, after: UUID | None, limit: int
) -> OrganisationPage:
    """The organisations a reader sees: its own and its satellites (an admin: all)."""
    rows = await listings.organisations_page(pool, reader=reader, after=after, limit=limit)
    items = [organisation_out(r) for r in rows]
    return OrganisationPage(
        items=items, next_after=items[-1].organisation_id if len(items) == limit else None
    )


async def change_organisation(
    conn: asyncpg.Connection,
    organisation_id: UUID,
    change: OrganisationChange,
    *,
    by_admin: bool,
    settings: MatchingSettings,
) -> tuple[OrganisationOut, OrganisationUpdated]:
    """Change an organisation's fields; a webhook turned off drops its undelivered
    notifications. Only an admin sets the central workshop (the network's structure)."""
    fields = change.model_dump(exclude_unset=True)
    if "central_workshop_id" in fields and not by_admin:
        raise MatchingError(403, "admin_only", "only an admin sets the central workshop")
    for required in ("name", "municipality"):
        if required in fields and fields[required] is None:
            raise MatchingError(422, "field_required", f"{required} cannot be removed")
    if fields.get("webhook_url"):
        refused = await unsafe_url_reason(
            fields["webhook_url"], allow_private=settings.allow_private_webhooks
        )
        if refused:
            raise MatchingError(422, "unsafe_webhook_url", refused)
    async with conn.transaction():
        row = await org_sql.lock_organisation(conn, organisation_id)
        if row is None:
            raise not_found("organisation")
        if "central_workshop_id" in fields:
            member = Member(organisation_id, row["kind"], row["central_workshop_id"])
            await check_central(conn, member, fields["central_workshop_id"])
        if "location" in fields:
            location = fields.pop("location")
            fields["lat"] = location["lat"] if location else None
            fields["lon"] = location["lon"] if location else None
        if "webhook_url" in fields and not fields["webhook_url"]:
            fields["webhook_url"] = None
            await webhook_deliveries.drop_pending(conn, organisation_id)
        if fields:
            row = await org_sql.update_organisation(conn, organisation_id, fields)
        if "webhook_url" in fields:
            await org_sql.touch_openings(conn, organisation_id)
    event = organisation_event(row)
    assert isinstance(event, OrganisationUpdated)
    return organisation_out(row), event


async def rotate_secret(
    conn: asyncpg.Connection, organisation_id: UUID, *, encryption_key: str
) -> SecretOut:
    """A new webhook signing secret, returned this once; the old one stops signing at once
    (deliveries not yet made are signed with the new one)."""
    secret = new_secret()
    sealed = encrypt_secret(encryption_key, secret, organisation_id)
    if not await org_sql.set_secret(conn, organisation_id, sealed):
        raise not_found("organisation")
    return SecretOut(organisation_id=organisation_id, webhook_secret=secret)


async def placement_started(conn: asyncpg.Connection, started: PlacementStarted) -> None:
    """Remember a placement caseplan started (its id, opening, match, start; nobody's id)."""
    await placement_sql.record_started(
        conn,
        placement_id=started.placement_id,
        organisation_id=started.organisation_id,
        opening_id=started.opening_id,
        match_id=started.match_id,
        starts_on=started.starts_on,
        hours_per_week=started.hours_per_week,
    )


async def placement_ended(conn: asyncpg.Connection, ended: PlacementEnded) -> None:
    """Remember that a placement ended, and how."""
    await placement_sql.record_ended(
        conn,
        placement_id=ended.placement_id,
        organisation_id=ended.organisation_id,
        opening_id=ended.opening_id,
        ended_on=ended.ended_on,
        outcome=str(ended.outcome),
    )


async def list_placements(
    pool: asyncpg.Pool,
    organisation_id: UUID,
    *,
    ended: bool | None,
    after: UUID | None,
    limit: int,
) -> PlacementPage:
    """An organisation's placements, a page at a time, in id order."""
    rows = await listings.placements_page(
        pool, organisation_id=organisation_id, ended=ended, after=after, limit=limit
    )
    items = [
        PlacementOut(
            placement_id=r["placement_id"],
            opening_id=r["opening_id"],
            opening_title=r["opening_title"],
            match_id=r["match_id"],
            status="ended" if r["ended_on"] is not None else "ongoing",
            starts_on=r["starts_on"],
            ends_on=r["ended_on"],
            outcome=r["outcome"],
            hours_per_week=r["hours_per_week"],
        )
        for r in rows
    ]
    return PlacementPage(
        items=items, next_after=items[-1].placement_id if len(items) == limit else None
    )
