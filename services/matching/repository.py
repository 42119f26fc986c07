"""The only SQL of the matching service: candidate pool, organisations, openings, matches."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

PROPOSAL_LOCK = 0x4D415443  # "MATC": proposal-making is serialised across replicas

Row = Any  # asyncpg.Record (or None where a single row may be missing)


async def lock_proposals(conn: asyncpg.Connection) -> None:
    """Serialise proposal-making (until the transaction ends) so limits hold across replicas."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", PROPOSAL_LOCK)


# -- candidate pool ---------------------------------------------------------------------------
async def insert_candidate(conn: asyncpg.Connection, *, at: datetime, **c: Any) -> None:
    """Add a registered participant to the pool; a redelivery changes nothing."""
    await conn.execute(
        "INSERT INTO candidate (participant_id, municipality, profile, registered_at, languages,"
        " skills, grid_cell, telework_ready, reach_km, updated_at)"
        " VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $4)"
        " ON CONFLICT (participant_id) DO NOTHING",
        c["participant_id"],
        c["municipality"],
        c["profile"],
        at,
        c["languages"],
        c["skills"],
        c["grid_cell"],
        c["telework_ready"],
        c["reach_km"],
    )


async def update_candidate(conn: asyncpg.Connection, *, at: datetime, **c: Any) -> bool:
    """Replace a participant's profile unless a newer one is stored; False when unknown."""
    status = await conn.execute(
        "UPDATE candidate SET municipality = $2, profile = $3::jsonb, languages = $5,"
        " skills = $6, grid_cell = $7, telework_ready = $8, reach_km = $9,"
        " updated_at = greatest(updated_at, $4)"
        " WHERE participant_id = $1 AND updated_at <= $4",
        c["participant_id"],
        c["municipality"],
        c["profile"],
        at,
        c["languages"],
        c["skills"],
        c["grid_cell"],
        c["telework_ready"],
        c["reach_km"],
    )
    if status.endswith(" 1"):
        return True
    return await candidate_exists(conn, c["participant_id"])


async def candidate_exists(conn: asyncpg.Connection, participant_id: UUID) -> bool:
    """Whether the participant is in the pool."""
    found = await conn.fetchval("SELECT 1 FROM candidate WHERE participant_id = $1", participant_id)
    return found is not None


async def mark_ready(
    conn: asyncpg.Connection, participant_id: UUID, *, kinds: list[str], contact: str | None
) -> bool:
    """Mark a participant ready for matching (keeping the first ready time); False if unknown."""
    status = await conn.execute(
        "UPDATE candidate SET ready_at = coalesce(ready_at, now()), opening_kinds = $2,"
        " support_worker_contact = coalesce($3, support_worker_contact), placed_at = NULL"
        " WHERE participant_id = $1",
        participant_id,
        kinds,
        contact,
    )
    return status.endswith(" 1")


async def mark_placed(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """The participant was accepted somewhere: no more proposals for now."""
    await conn.execute(
        "UPDATE candidate SET placed_at = now() WHERE participant_id = $1", participant_id
    )


async def delete_candidate(conn: asyncpg.Connection, participant_id: UUID) -> None:
    """Remove a participant from the pool (consent withdrawn or erased)."""
    await conn.execute("DELETE FROM candidate WHERE participant_id = $1", participant_id)


async def fetch_candidate(conn: asyncpg.Connection | asyncpg.Pool, participant_id: UUID) -> Row:
    """One participant of the pool, or None."""
    return await conn.fetchrow("SELECT * FROM candidate WHERE participant_id = $1", participant_id)


async def ready_candidates_near(
    conn: asyncpg.Connection, *, opening_id: UUID, cells: list[str], remote: bool, max_live: int
) -> list[Row]:
    """Proposable participants in the given grid cells (or telework-ready for remote work)."""
    return await conn.fetch(
        "SELECT c.* FROM candidate c WHERE c.ready_at IS NOT NULL AND c.placed_at IS NULL"
        " AND (c.grid_cell = ANY($2::text[]) OR ($3 AND c.telework_ready))"
        " AND NOT EXISTS (SELECT 1 FROM match m WHERE m.participant_id = c.participant_id"
        "   AND m.opening_id = $1)"
        " AND (SELECT count(*) FROM match m WHERE m.participant_id = c.participant_id"
        "   AND m.status = 'proposed') < $4",
        opening_id,
        cells,
        remote,
        max_live,
    )


async def max_reach_km(conn: asyncpg.Connection) -> float:
    """The longest travel limit of anyone ready: how far an opening must look."""
    value = await conn.fetchval(
        "SELECT max(reach_km) FROM candidate WHERE ready_at IS NOT NULL AND placed_at IS NULL"
    )
    return float(value or 0.0)


# -- organisations and openings ---------------------------------------------------------------
async def insert_organisation(conn: asyncpg.Connection, **o: Any) -> None:
    """Register an organisation."""
    await conn.execute(
        "INSERT INTO organisation (organisation_id, name, kind, municipality, lat, lon,"
        " webhook_url, webhook_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        *(o[k] for k in ORGANISATION_COLUMNS),
    )


ORGANISATION_COLUMNS = (
    "organisation_id",
    "name",
    "kind",
    "municipality",
    "lat",
    "lon",
    "webhook_url",
    "webhook_secret",
)


async def fetch_organisation(conn: asyncpg.Connection | asyncpg.Pool, org_id: UUID) -> Row:
    """One organisation, or None."""
    return await conn.fetchrow("SELECT * FROM organisation WHERE organisation_id = $1", org_id)


OPENING_COLUMNS = (
    "opening_id",
    "organisation_id",
    "title",
    "kind",
    "seats",
    "lat",
    "lon",
    "grid_cell",
    "remote",
    "required_skills",
    "nice_skills",
    "languages",
    "hours_min",
    "hours_max",
    "accessibility",
    "eligible_groups",
    "tags",
    "starts_on",
    "ends_on",
    "low_threshold",
)

_COUNTS = (
    "(SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'accepted') AS accepted,"
    " (SELECT count(*) FROM match m WHERE m.opening_id = o.opening_id"
    "  AND m.status = 'proposed') AS live"
)


async def save_opening(conn: asyncpg.Connection, o: dict[str, Any]) -> None:
    """Insert an opening, or replace its fields."""
    cols = ", ".join(OPENING_COLUMNS)
    params = ", ".join(f"${i}" for i in range(1, len(OPENING_COLUMNS) + 1))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in OPENING_COLUMNS[2:])
    await conn.execute(
        f"INSERT INTO opening ({cols}) VALUES ({params}) ON CONFLICT (opening_id)"
        f" DO UPDATE SET {updates}, updated_at = now()",
        *(o[c] for c in OPENING_COLUMNS),
    )


async def close_opening(conn: asyncpg.Connection, opening_id: UUID) -> None:
    """Close an opening: it takes no more matches."""
    await conn.execute(
        "UPDATE opening SET status = 'closed', updated_at = now() WHERE opening_id = $1",
        opening_id,
    )


async def fetch_opening(
    conn: asyncpg.Connection | asyncpg.Pool, opening_id: UUID, *, lock: bool = False
) -> Row:
    """One opening with its accepted and live proposal counts; FOR UPDATE when `lock`."""
    if lock:
        await conn.execute("SELECT 1 FROM opening WHERE opening_id = $1 FOR UPDATE", opening_id)
    return await conn.fetchrow(
        f"SELECT o.*, {_COUNTS} FROM opening o WHERE o.opening_id = $1", opening_id
    )


async def open_openings_near(
    conn: asyncpg.Connection, *, participant_id: UUID, cells: list[str], remote: bool
) -> list[Row]:
    """Open openings in the given cells (or remote ones) never proposed to this participant."""
    return await conn.fetch(
        f"SELECT o.*, {_COUNTS} FROM opening o WHERE o.status = 'open'"
        " AND (o.grid_cell = ANY($2::text[]) OR ($3 AND o.remote))"
        " AND NOT EXISTS (SELECT 1 FROM match m WHERE m.opening_id = o.opening_id"
        "   AND m.participant_id = $1)",
        participant_id,
        cells,
        remote,
    )


# -- matches ----------------------------------------------------------------------------------
async def live_count(conn: asyncpg.Connection, participant_id: UUID) -> int:
    """Proposals the participant holds that nobody has answered yet."""
    n = await conn.fetchval(
        "SELECT count(*) FROM match WHERE participant_id = $1 AND status = 'proposed'",
        participant_id,
    )
    return int(n)


async def insert_match(conn: asyncpg.Connection, **m: Any) -> None:
    """Store a proposal with its explanation."""
    await conn.execute(
        "INSERT INTO match (match_id, participant_id, opening_id, organisation_id, score,"
        " explanation) VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        m["match_id"],
        m["participant_id"],
        m["opening_id"],
        m["organisation_id"],
        m["score"],
        json.dumps(m["explanation"]),
    )


async def fetch_match(
    conn: asyncpg.Connection | asyncpg.Pool, match_id: UUID, *, lock: bool = False
) -> Row:
    """One match, or None; FOR UPDATE when `lock`."""
    sql = "SELECT * FROM match WHERE match_id = $1" + (" FOR UPDATE" if lock else "")
    return await conn.fetchrow(sql, match_id)


async def decide_match(
    conn: asyncpg.Connection, match_id: UUID, status: str, reason: str | None = None
) -> None:
    """Record the answer to a proposal."""
    await conn.execute(
        "UPDATE match SET status = $2, reason = $3, decided_at = now() WHERE match_id = $1",
        match_id,
        status,
        reason,
    )


async def withdraw_live(
    conn: asyncpg.Connection,
    *,
    reason: str,
    participant_id: UUID | None = None,
    opening_id: UUID | None = None,
) -> list[Row]:
    """Withdraw live proposals of a participant or of an opening; returns them."""
    return await conn.fetch(
        "UPDATE match SET status = 'withdrawn', decided_at = now(), reason = $3"
        " WHERE status = 'proposed' AND (participant_id = $1 OR opening_id = $2)"
        " RETURNING match_id, participant_id, opening_id",
        participant_id,
        opening_id,
        reason,
    )


async def expire_due(conn: asyncpg.Connection, *, older_than_s: float, limit: int) -> list[Row]:
    """Expire proposals left unanswered for too long; returns them."""
    return await conn.fetch(
        "UPDATE match SET status = 'expired', decided_at = now() WHERE match_id IN ("
        " SELECT match_id FROM match WHERE status = 'proposed'"
        " AND proposed_at < now() - make_interval(secs => $1)"
        " ORDER BY proposed_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING *",
        older_than_s,
        limit,
    )


async def list_matches(
    conn: asyncpg.Pool, *, column: str, value: UUID, status: str | None
) -> list[Row]:
    """Matches of one participant, opening or organisation, best first."""
    assert column in ("participant_id", "opening_id", "organisation_id")
    return await conn.fetch(
        f"SELECT m.*, o.title AS opening_title, c.profile, c.support_worker_contact"
        f" FROM match m JOIN opening o USING (opening_id)"
        f" LEFT JOIN candidate c ON c.participant_id = m.participant_id"
        f" WHERE m.{column} = $1 AND ($2::text IS NULL OR m.status = $2)"
        f" ORDER BY m.score DESC, m.proposed_at",
        value,
        status,
    )
