"""Read-model writes for the matching service's events (commutative upserts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg

from services.reporting.repository.projection import Events
from shared.events import Envelope


async def opening_posted(conn: asyncpg.Connection, events: Events) -> None:
    """An opening posted or updated: its newest state by event time."""
    await conn.executemany(
        "INSERT INTO opening_fact (opening_id, organisation_id, organisation_kind, municipality,"
        " kind, seats, posted_on, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
        " ON CONFLICT (opening_id) DO UPDATE SET organisation_kind = $3, municipality = $4,"
        " kind = $5, seats = $6, updated_at = $8,"
        " posted_on = least(opening_fact.posted_on, $7)"
        " WHERE opening_fact.updated_at <= $8",
        [
            (
                p.opening_id,
                p.organisation_id,
                str(p.organisation_kind),
                p.municipality,
                str(p.kind),
                p.seats,
                e.occurred_at.date(),
                e.occurred_at,
            )
            for e, p in ((e, e.payload) for e in events)
        ],
    )


async def organisation_changed(conn: asyncpg.Connection, events: Events) -> None:
    """An organisation registered or changed: its newest state by event time."""
    await conn.executemany(
        "INSERT INTO organisation_fact (organisation_id, name, kind, municipality,"
        " central_workshop_id, updated_at) VALUES ($1,$2,$3,$4,$5,$6)"
        " ON CONFLICT (organisation_id) DO UPDATE SET name = $2, kind = $3, municipality = $4,"
        " central_workshop_id = $5, updated_at = $6 WHERE organisation_fact.updated_at <= $6",
        [
            (
                p.organisation_id,
                p.name,
                str(p.kind),
                p.municipality,
                p.central_workshop_id,
                e.occurred_at,
            )
            for e, p in ((e, e.payload) for e in events)
        ],
    )


async def opening_closed(conn: asyncpg.Connection, events: Events) -> None:
    """An opening closed."""
    await conn.executemany(
        "INSERT INTO opening_closed (opening_id, organisation_id, closed_on) VALUES ($1,$2,$3)"
        " ON CONFLICT DO NOTHING",
        [(e.payload.opening_id, e.payload.organisation_id, e.occurred_at.date()) for e in events],
    )


def _match_writer(column: str) -> Callable[[asyncpg.Connection, Events], Any]:
    async def write(conn: asyncpg.Connection, events: Events) -> None:
        await conn.executemany(
            f"INSERT INTO match_fact (match_id, participant_id, opening_id, organisation_id,"
            f" {column}) VALUES ($1,$2,$3,$4,$5)"
            f" ON CONFLICT (match_id) DO UPDATE SET {column} = $5",
            [_match_row(e) for e in events],
        )

    write.__doc__ = f"Record a match's {column.removesuffix('_on')} date."
    return write


def _match_row(e: Envelope[Any]) -> tuple[Any, ...]:
    p = e.payload
    return (p.match_id, p.participant_id, p.opening_id, p.organisation_id, e.occurred_at.date())


match_proposed = _match_writer("proposed_on")
match_accepted = _match_writer("accepted_on")


async def match_declined(conn: asyncpg.Connection, events: Events) -> None:
    """Record a match's decline date and its reason's code (None: an event before codes)."""
    await conn.executemany(
        "INSERT INTO match_fact (match_id, participant_id, opening_id, organisation_id,"
        " declined_on, decline_code) VALUES ($1,$2,$3,$4,$5,$6)"
        " ON CONFLICT (match_id) DO UPDATE SET declined_on = $5, decline_code = $6",
        [(*_match_row(e), _code(e.payload.code)) for e in events],
    )


def _code(code: Any) -> str | None:
    return None if code is None else str(code)


match_expired = _match_writer("expired_on")
match_withdrawn = _match_writer("withdrawn_on")
