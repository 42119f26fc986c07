"""Use cases of an organisation's answer to a proposal, and of what follows from it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.matching import repository as repo
from services.matching import withdrawals
from services.matching.catalog import OpeningCatalog
from services.matching.errors import MatchingError, not_found
from services.matching.proposals import top_up
from services.matching.settings import MatchingSettings
from services.matching.views import profile_of
from shared import history
from shared.events.matching import (
    MatchAccepted,
    MatchDeclined,
    MatchExpired,
    MatchProposed,
    MatchWithdrawn,
    OpeningClosed,
)
from shared.events.vocabulary import DeclineCode, OpeningKind


def _ids(match: asyncpg.Record) -> dict[str, Any]:
    return {k: match[k] for k in ("match_id", "participant_id", "opening_id", "organisation_id")}


async def _live_match(conn: asyncpg.Connection, match_id: UUID) -> asyncpg.Record:
    match = await repo.fetch_match(conn, match_id, lock=True)
    if match is None:
        raise not_found("match")
    if match["status"] != "proposed":
        raise MatchingError(409, f"match_{match['status']}", f"the match is {match['status']}")
    return match


async def accept(
    conn: asyncpg.Connection,
    match_id: UUID,
    *,
    starts_on: date | None,
    hours_per_week: float | None,
    imported_by: date | None = None,
) -> MatchAccepted:
    """Accept a proposal, with the opening's row locked so seats are never over-allocated.

    `imported_by` (today, for a history import) holds the placement's start to the import's
    rules: between the floor and today, not before the participant's registration."""
    found = await repo.fetch_match(conn, match_id)
    if found is None:
        raise not_found("match")
    opening = await repo.fetch_opening(conn, found["opening_id"], lock=True)
    match = await _live_match(conn, match_id)
    if opening["status"] != "open":
        raise MatchingError(409, "opening_closed", "the opening is closed")
    if opening["accepted"] >= opening["seats"]:
        raise MatchingError(409, "no_seats_left", "every seat of the opening is taken")
    candidate = await repo.fetch_candidate(conn, match["participant_id"])
    profile = profile_of(candidate) if candidate else None
    if imported_by is not None:
        _importable_start(starts_on, profile.registered_on if profile else None, imported_by)
    await repo.decide_match(conn, match["match_id"], "accepted")
    await repo.mark_placed(conn, match["participant_id"])
    available = profile.availability_hours if profile else opening["hours_max"]
    return MatchAccepted(
        **_ids(match),
        opening_kind=OpeningKind(opening["kind"]),
        starts_on=starts_on or opening["starts_on"],
        hours_per_week=hours_per_week or float(min(opening["hours_max"], available)),
    )


def _importable_start(starts_on: date | None, registered_on: date | None, today: date) -> None:
    """A history import's placement starts on a given day between the floor and today, not
    before the participant's registration."""
    if starts_on is None:
        raise MatchingError(422, "starts_on_required", "a history import names the start day")
    if refusal := history.past_day_refusal(starts_on, today=today, what="starts"):
        raise MatchingError(422, refusal.reason, refusal.message)
    if registered_on is not None and starts_on < registered_on:
        raise MatchingError(
            422, "starts_before_registration", f"the participant registered on {registered_on}"
        )


async def decline(
    conn: asyncpg.Connection, match_id: UUID, *, code: DeclineCode, reason: str | None
) -> MatchDeclined:
    """Decline a proposal with a reason's code (and words); the freed slot is refilled by the
    follow-up handler."""
    match = await _live_match(conn, match_id)
    await repo.decide_match(conn, match["match_id"], "declined", reason, code=code.value)
    return MatchDeclined(**_ids(match), reason=reason or "", code=code)


async def expire_due(conn: asyncpg.Connection, *, settings: MatchingSettings) -> list[MatchExpired]:
    """Expire proposals nobody answered within the configured time."""
    rows = await repo.expire_due(conn, older_than_s=settings.proposal_ttl_s, limit=200)
    return [MatchExpired(**_ids(r)) for r in rows]


async def after_accepted(
    conn: asyncpg.Connection,
    accepted: MatchAccepted,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """The participant's other proposals and a now-full opening's proposals are withdrawn."""
    await repo.lock_proposals(conn)
    freed = await repo.withdraw_live(
        conn, reason="placed elsewhere", participant_id=accepted.participant_id
    )
    told = await withdrawals.notified(conn, freed, reason="placed elsewhere")
    opening = await repo.fetch_opening(conn, accepted.opening_id)
    people: list[UUID] = []
    if opening is not None and opening["accepted"] >= opening["seats"]:
        full = await repo.withdraw_live(
            conn, reason="every seat taken", opening_id=accepted.opening_id
        )
        told += await withdrawals.notified(conn, full, reason="every seat taken")
        people = [r["participant_id"] for r in full]
    openings = [r["opening_id"] for r in freed]
    return [
        *told,
        *await top_up(
            conn, openings=openings, participants=people, catalog=catalog, settings=settings,
            now=now,
        ),
    ]  # fmt: skip


async def after_freed(
    conn: asyncpg.Connection,
    freed: MatchDeclined | MatchExpired,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed]:
    """A declined or expired proposal frees a slot on both sides: propose the next ones."""
    return await top_up(
        conn,
        openings=[freed.opening_id],
        participants=[freed.participant_id],
        catalog=catalog,
        settings=settings,
        now=now,
    )


async def after_closed(
    conn: asyncpg.Connection,
    closed: OpeningClosed,
    *,
    catalog: OpeningCatalog,
    settings: MatchingSettings,
    now: datetime,
) -> list[MatchProposed | MatchWithdrawn]:
    """A closed opening's live proposals are withdrawn; those people get other proposals."""
    await repo.lock_proposals(conn)
    rows = await repo.withdraw_live(conn, reason="opening closed", opening_id=closed.opening_id)
    told = await withdrawals.notified(conn, rows, reason="opening closed")
    people = [r["participant_id"] for r in rows]
    proposed = await top_up(conn, participants=people, catalog=catalog, settings=settings, now=now)
    return [*told, *proposed]
