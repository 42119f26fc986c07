"""Use cases of organisations and their openings."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import asyncpg
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from services.matching import organisations
from services.matching import repository as repo
from services.matching.domain import cell_key, cell_of, words
from services.matching.domain.eligibility import group_refusal
from services.matching.domain.network import Member
from services.matching.errors import MatchingError, not_found
from services.matching.repository import organisations as org_sql
from services.matching.repository import webhook_deliveries
from services.matching.schemas import (
    OpeningChange,
    OpeningIn,
    OrganisationIn,
    OrganisationOut,
    ScheduleStopIn,
    WebhookOut,
)
from services.matching.settings import MatchingSettings
from services.matching.views import stored_schedule
from services.matching.webhooks import encrypt_secret, new_secret, unsafe_url_reason
from shared.events.matching import OpeningClosed, OpeningPosted, OpeningUpdated


async def create_organisation(
    conn: asyncpg.Connection,
    body: OrganisationIn,
    *,
    settings: MatchingSettings,
    encryption_key: str,
) -> OrganisationOut:
    """Register an organisation; its webhook signing secret is returned this once only."""
    if body.webhook_url:
        refused = await unsafe_url_reason(
            body.webhook_url, allow_private=settings.allow_private_webhooks
        )
        if refused:
            raise MatchingError(422, "unsafe_webhook_url", refused)
    organisation_id, secret = uuid4(), new_secret()
    member = Member(organisation_id, str(body.kind))
    await organisations.check_central(conn, member, body.central_workshop_id)
    await repo.insert_organisation(
        conn,
        organisation_id=organisation_id,
        name=body.name,
        kind=str(body.kind),
        municipality=body.municipality,
        lat=body.location.lat if body.location else None,
        lon=body.location.lon if body.location else None,
        webhook_url=body.webhook_url,
        webhook_secret=encrypt_secret(encryption_key, secret, organisation_id),
        central_workshop_id=body.central_workshop_id,
    )
    return OrganisationOut(
        organisation_id=organisation_id, webhook_secret=secret, **body.model_dump()
    )


async def set_webhook(
    conn: asyncpg.Connection,
    organisation_id: UUID,
    url: str | None,
    *,
    settings: MatchingSettings,
    encryption_key: str,
) -> WebhookOut:
    """Point an organisation's webhook at a new URL (with a new secret, shown once), or turn
    it off: the deliveries not yet made are dropped (the proposals stay in the inbox)."""
    if url:
        refused = await unsafe_url_reason(url, allow_private=settings.allow_private_webhooks)
        if refused:
            raise MatchingError(422, "unsafe_webhook_url", refused)
    secret = new_secret() if url else None
    sealed = encrypt_secret(encryption_key, secret, organisation_id) if secret else None
    async with conn.transaction():
        if not await repo.set_webhook(conn, organisation_id, url or None, sealed):
            raise not_found("organisation")
        dropped = 0 if url else await webhook_deliveries.drop_pending(conn, organisation_id)
        await org_sql.touch_openings(conn, organisation_id)  # the catalogs' `notifies`
    return WebhookOut(
        organisation_id=organisation_id,
        webhook_url=url or None,
        webhook_secret=secret,
        deliveries_dropped=dropped,
    )


def _columns(opening_id: UUID, body: OpeningIn) -> dict[str, Any]:
    loc = body.location
    return {
        "opening_id": opening_id,
        "organisation_id": body.organisation_id,
        "title": body.title,
        "kind": str(body.kind),
        "seats": body.seats,
        "lat": loc.lat if loc else None,
        "lon": loc.lon if loc else None,
        "grid_cell": cell_key(cell_of(loc.lat, loc.lon)) if loc else None,
        "remote": body.remote,
        "required_skills": sorted(words(body.required_skills)),
        "nice_skills": sorted(words(body.nice_to_have_skills)),
        "languages": sorted(words(body.languages)),
        "hours_min": body.hours_per_week_min,
        "hours_max": body.hours_per_week_max,
        "accessibility": sorted(words(body.accessibility)),
        "eligible_groups": sorted(words(body.eligible_groups)),
        "tags": sorted(words(body.interest_tags)),
        "starts_on": body.starts_on,
        "ends_on": body.ends_on,
        "low_threshold": body.low_threshold,
        "description": body.description,
        "paused": body.paused,
        "schedule": json.dumps([_stop(s) for s in body.schedule]),
    }


def _stop(stop: ScheduleStopIn) -> dict[str, Any]:
    """A stop as stored and as the events carry it."""
    return {"starts_on": stop.starts_on.isoformat(), "ends_on": stop.ends_on.isoformat(),
            "lat": stop.location.lat, "lon": stop.location.lon,
            "municipality": stop.municipality}  # fmt: skip


def _event_fields(opening_id: UUID, body: OpeningIn, org: asyncpg.Record) -> dict[str, Any]:
    return {
        "opening_id": opening_id,
        "organisation_id": body.organisation_id,
        "organisation_kind": org["kind"],
        "municipality": org["municipality"],
        "title": body.title,
        "kind": body.kind,
        "seats": body.seats,
        "remote": body.remote,
        "low_threshold": body.low_threshold,
        "starts_on": body.starts_on,
        "ends_on": body.ends_on,
        "paused": body.paused,
        "schedule": [_stop(s) for s in body.schedule],
    }


def check_groups(groups: list[str] | None, *, by_network: bool, field: str) -> None:
    """Unknown groups are a 422 on the field; special categories set by an organisation a 403."""
    refused = group_refusal(groups or [], by_network=by_network)
    if refused is None:
        return
    reason, message = refused
    if reason == "unknown_group":
        error = {"loc": ("body", field), "msg": message, "type": reason}
        raise RequestValidationError([error])
    raise MatchingError(403, reason, message)


async def post_opening(
    conn: asyncpg.Connection, body: OpeningIn, *, by_network: bool = False
) -> tuple[UUID, OpeningPosted]:
    """Store a new opening; `opening.posted` makes the proposals for its seats."""
    check_groups(body.eligible_groups, by_network=by_network, field="eligible_groups")
    org = await repo.fetch_organisation(conn, body.organisation_id)
    if org is None:
        raise not_found("organisation")
    opening_id = uuid4()
    await repo.save_opening(conn, _columns(opening_id, body))
    return opening_id, OpeningPosted(**_event_fields(opening_id, body, org))


def opening_body(row: asyncpg.Record) -> OpeningIn:
    """A stored opening as its request body."""
    location = {"lat": row["lat"], "lon": row["lon"]} if row["lat"] is not None else None
    return OpeningIn.model_validate(
        {
            "organisation_id": row["organisation_id"],
            "title": row["title"],
            "kind": row["kind"],
            "seats": row["seats"],
            "location": location,
            "remote": row["remote"],
            "required_skills": row["required_skills"],
            "nice_to_have_skills": row["nice_skills"],
            "languages": row["languages"],
            "hours_per_week_min": row["hours_min"],
            "hours_per_week_max": row["hours_max"],
            "accessibility": row["accessibility"],
            "eligible_groups": row["eligible_groups"],
            "interest_tags": row["tags"],
            "starts_on": row["starts_on"],
            "ends_on": row["ends_on"],
            "low_threshold": row["low_threshold"],
            "description": row["description"],
            "paused": row["paused"],
            "schedule": [
                {
                    "starts_on": date.fromisoformat(s["starts_on"]),
                    "ends_on": date.fromisoformat(s["ends_on"]),
                    "location": {"lat": s["lat"], "lon": s["lon"]},
                    "municipality": s["municipality"],
                }
                for s in stored_schedule(row)
            ],
        }
    )


async def change_opening(
    conn: asyncpg.Connection, opening_id: UUID, change: OpeningChange, *, by_network: bool = False
) -> OpeningUpdated:
    """Change some fields of an open opening; the whole new state goes in `opening.updated`."""
    check_groups(change.eligible_groups, by_network=by_network, field="eligible_groups")
    row = await repo.fetch_opening(conn, opening_id, lock=True)
    if row is None:
        raise not_found("opening")
    if row["status"] != "open":
        raise MatchingError(409, "opening_closed", "a closed opening cannot change")
    merged = opening_body(row).model_dump() | change.model_dump(exclude_unset=True)
    try:
        body = OpeningIn.model_validate(merged)  # re-checks hours, dates and location together
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from exc
    if body.seats < row["accepted"]:
        raise MatchingError(409, "seats_below_accepted", "more matches are accepted than that")
    await repo.save_opening(conn, _columns(opening_id, body))
    org = await repo.fetch_organisation(conn, body.organisation_id)
    return OpeningUpdated(**_event_fields(opening_id, body, org))


async def set_programme(
    conn: asyncpg.Connection, opening_id: UUID, groups: list[str]
) -> tuple[list[str], OpeningUpdated]:
    """The network aims an opening's programme at these groups (none: open to all); the
    opening's organisation is never told, and only participants in a group are proposed from
    now on (`opening.updated` fills its free proposal slots; the event names no group)."""
    check_groups(groups, by_network=True, field="groups")
    row = await repo.fetch_opening(conn, opening_id, lock=True)
    if row is None:
        raise not_found("opening")
    if row["status"] != "open":
        raise MatchingError(409, "opening_closed", "a closed opening cannot change")
    aimed = sorted(words(groups))
    await repo.save_programme(conn, opening_id, aimed)
    body = opening_body(row)
    org = await repo.fetch_organisation(conn, body.organisation_id)
    return aimed, OpeningUpdated(**_event_fields(opening_id, body, org))


async def close_opening(conn: asyncpg.Connection, opening_id: UUID) -> OpeningClosed:
    """Close an opening; `opening.closed` withdraws its live proposals."""
    row = await repo.fetch_opening(conn, opening_id, lock=True)
    if row is None:
        raise not_found("opening")
    if row["status"] != "open":
        raise MatchingError(409, "opening_closed", "the opening is already closed")
    await repo.close_opening(conn, opening_id)
    return OpeningClosed(opening_id=opening_id, organisation_id=row["organisation_id"])
