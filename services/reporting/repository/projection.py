"""Writes of the read model, one function per event type; each is safe to apply in any order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
from asyncpg.transaction import Transaction

from services.reporting.domain.follow_ups import stops_follow_up
from shared.events import Envelope

Events = Sequence[Envelope[Any]]

READ_MODEL_TABLES = (
    "participant_fact",
    "participant_privacy",
    "case_fact",
    "activity_fact",
    "activity_hours",
    "placement_fact",
    "placement_hours",
    "exit_fact",
    "follow_up_fact",
    "opening_fact",
    "opening_closed",
    "match_fact",
    "worker_limit",
    "organisation_fact",
    "meeting_fact",
)
"""Every table rebuilt from the event log (never the log itself)."""

READ_MODEL_LOCK = 0x5245424C  # "REBL": a rebuild exclusive, every reader shared


async def hold_read_model_lock(conn: asyncpg.Connection, *, exclusive: bool) -> None:
    """Order a rebuild with the read model's readers, taken before any table is touched.

    A rebuild truncates the fact tables first and the figure store last; a reader (the
    gauge refresher) reads the figure store first and a fact table later: each held what
    the other waited for, and PostgreSQL broke the deadlock by failing the rebuild. Taken
    first by both, this lock makes a reader run wholly before or wholly after a rebuild."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(f"SELECT {fn}($1)", READ_MODEL_LOCK)


async def begin_reading(conn: asyncpg.Connection) -> Transaction:
    """A started read-only repeatable-read transaction holding the read model's shared lock.

    Its snapshot is taken by its first statement, before a lock it waited for is granted:
    waiting there for a rebuild would show the tables the rebuild truncated as empty. So it
    only tries the lock, and while a rebuild holds it waits outside, then starts again."""
    while True:
        tx = conn.transaction(isolation="repeatable_read", readonly=True)
        await tx.start()
        if await conn.fetchval("SELECT pg_try_advisory_xact_lock_shared($1)", READ_MODEL_LOCK):
            return tx
        await tx.rollback()
        async with conn.transaction():  # read committed: returns once the rebuild committed
            await hold_read_model_lock(conn, exclusive=False)


async def log_events(conn: asyncpg.Connection, events: Events) -> None:
    """Append the raw envelopes to the event log (a re-delivered one is logged once)."""
    if not events:
        return
    await conn.execute(
        "INSERT INTO event_log (event_id, type, occurred_at, envelope)"
        " SELECT i, t, o, j FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::text[]::json[])"
        " WITH ORDINALITY AS e(i, t, o, j, n) ORDER BY n ON CONFLICT (event_id) DO NOTHING",
        [e.event_id for e in events],
        [e.type for e in events],
        [e.occurred_at for e in events],
        [e.model_dump_json() for e in events],
    )


async def lock_log(conn: asyncpg.Connection) -> None:
    """Hold new events out of the event log until this transaction ends (a rebuild)."""
    await conn.execute("LOCK TABLE event_log IN EXCLUSIVE MODE")


async def truncate_read_model(conn: asyncpg.Connection) -> None:
    """Empty every read-model table, keeping the event log."""
    await conn.execute(f"TRUNCATE {', '.join(READ_MODEL_TABLES)}")


async def read_log(conn: asyncpg.Connection, after: int, limit: int) -> list[asyncpg.Record]:
    """A chunk of the event log in consumption order."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT seq, envelope::text AS envelope FROM event_log WHERE seq > $1"
        " ORDER BY seq LIMIT $2",
        after,
        limit,
    )


async def log_size(conn: asyncpg.Connection) -> int:
    """How many events the log holds."""
    return int(await conn.fetchval("SELECT count(*) FROM event_log"))


_PROFILE_COLUMNS = (
    "participant_id, municipality, registered_on, age_at_entry, age_band, sex,"
    " labour_market_status, months_unemployed, in_education_or_training, isced_level,"
    " risk_groups, special_categories_refused, registrations"
)


def _profile_row(e: Envelope[Any], registrations: int) -> tuple[Any, ...]:
    p = e.payload
    return (
        p.participant_id,
        p.municipality,
        p.registered_on,
        p.age_at_entry,
        p.age_band,
        str(p.sex),
        str(p.labour_market_status),
        p.months_unemployed,
        p.in_education_or_training,
        p.isced_level,
        [str(g) for g in p.risk_groups],
        p.special_categories_refused,
        registrations,
    )


_VALUES = "VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"


async def participant_registered(conn: asyncpg.Connection, events: Events) -> None:
    """Status at entry, frozen at the first registration; a re-registration is counted once."""
    ids = [e.payload.participant_id for e in events]
    # A row made by an update that overtook its registration gives way to the registration.
    await conn.execute(
        "DELETE FROM participant_fact WHERE participant_id = ANY($1) AND registrations = 0", ids
    )
    await conn.executemany(
        f"INSERT INTO participant_fact ({_PROFILE_COLUMNS}) {_VALUES}"
        " ON CONFLICT (participant_id) DO UPDATE SET"
        " registrations = participant_fact.registrations + 1",
        [_profile_row(e, 1) for e in events],
    )


async def participant_updated(conn: asyncpg.Connection, events: Events) -> None:
    """An update never changes the status at entry; it stands in until the registration."""
    await conn.executemany(
        f"INSERT INTO participant_fact ({_PROFILE_COLUMNS}) {_VALUES}"
        " ON CONFLICT (participant_id) DO NOTHING",
        [_profile_row(e, 0) for e in events],
    )


async def participant_transferred(conn: asyncpg.Connection, events: Events) -> None:
    """An approved transfer: the participant's figures count in the new municipality."""
    await conn.executemany(
        f"INSERT INTO participant_fact ({_PROFILE_COLUMNS}) {_VALUES}"
        " ON CONFLICT (participant_id) DO UPDATE SET municipality = EXCLUDED.municipality",
        [_profile_row(e, 0) for e in events],
    )


async def consent_withdrawn(conn: asyncpg.Connection, events: Events) -> None:
    """A consent withdrawal: when, and whether it ended follow-up contact."""
    await participant_privacy(conn, events, column="consent_withdrawn_at")
    stopped = [e for e in events if stops_follow_up(e.payload.purposes)]
    await participant_privacy(conn, stopped, column="follow_up_withdrawn_at", first=True)


async def participant_privacy(
    conn: asyncpg.Connection, events: Events, column: str, *, first: bool = False
) -> None:
    """Record a consent withdrawal or an erasure (reporting holds no personal data); `first`
    keeps the earliest time."""
    assert column in ("consent_withdrawn_at", "erased_at", "follow_up_withdrawn_at")
    new = (
        f"least(participant_privacy.{column}, EXCLUDED.{column})" if first else "EXCLUDED." + column
    )
    await conn.executemany(
        f"INSERT INTO participant_privacy (participant_id, {column}) VALUES ($1, $2)"
        f" ON CONFLICT (participant_id) DO UPDATE SET {column} = {new}",
        [(e.payload.participant_id, e.occurred_at) for e in events],
    )
